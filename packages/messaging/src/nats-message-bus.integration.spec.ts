import { randomUUID } from 'node:crypto';
import { defineRpc } from '@mediaflow/contracts';
import { z } from 'zod';
import { NatsMessageBus, type NatsMessageBusOptions } from './nats-message-bus';
import { describeMessageBusContract } from './testing/message-bus.contract';

// Runs against the real NATS server (NATS_URL, default the local one). Each
// test is its own installation: a random subject prefix.
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function connect(
  prefix: string,
  options: Partial<NatsMessageBusOptions> = {},
): Promise<NatsMessageBus> {
  return NatsMessageBus.connect({
    url,
    name: 'test',
    subjectPrefix: prefix,
    requestTimeoutMs: 5_000,
    ...options,
  });
}

describeMessageBusContract('NatsMessageBus', async () => {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const buses: NatsMessageBus[] = [];
  return {
    open: async (options) => {
      const bus = await connect(prefix, options);
      buses.push(bus);
      return bus;
    },
    cleanup: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
});

const echo = defineRpc({
  subject: 'test.echo',
  version: 1,
  request: z.object({ text: z.string().min(1) }),
  response: z.object({ text: z.string(), served_by: z.string() }),
});

describe('NatsMessageBus', () => {
  const buses: NatsMessageBus[] = [];
  let prefix: string;
  beforeEach(() => {
    prefix = `t${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('keeps installations with different subject prefixes apart', async () => {
    const mine = await connect(prefix);
    const theirs = await connect(`${prefix}x`);
    buses.push(mine, theirs);
    await theirs.serve(echo, async ({ text }) => ({ text, served_by: 'theirs' }), { queue: 'q' });
    await expect(mine.request(echo, { text: 'x' })).rejects.toMatchObject({
      code: 'service_unavailable',
    });
  });

  it('fails fast with a clear message when NATS is not there', async () => {
    await expect(
      NatsMessageBus.connect({ url: 'nats://127.0.0.1:1', name: 'test' }),
    ).rejects.toThrow(/Cannot reach NATS at nats:\/\/127.0.0.1:1/);
  });
});
