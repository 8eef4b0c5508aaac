import { randomUUID } from 'node:crypto';
import { MediaflowError, defineRpc } from '@mediaflow/contracts';
import { z } from 'zod';
import { NatsMessageBus } from './nats-message-bus';

// Runs against the real NATS server (NATS_URL, default the local one).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const echo = defineRpc({
  subject: 'test.echo',
  version: 1,
  request: z.object({ text: z.string().min(1) }),
  response: z.object({ text: z.string(), served_by: z.string() }),
});

describe('NatsMessageBus', () => {
  const buses: NatsMessageBus[] = [];
  const open = async (prefix: string, onHandlerError?: (s: string, e: unknown) => void) => {
    const bus = await NatsMessageBus.connect({ url, name: 'test', subjectPrefix: prefix, requestTimeoutMs: 2000, onHandlerError });
    buses.push(bus);
    return bus;
  };
  let prefix: string;
  beforeEach(() => {
    prefix = `t${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('carries a request to its handler and the parsed reply back', async () => {
    const bus = await open(prefix);
    await bus.serve(echo, async ({ text }) => ({ text: text.toUpperCase(), served_by: 'a' }), { queue: 'q' });
    await expect(bus.request(echo, { text: 'hi' })).resolves.toEqual({ text: 'HI', served_by: 'a' });
  });

  it('answers a MediaflowError with its code, message and details', async () => {
    const bus = await open(prefix);
    await bus.serve(
      echo,
      async () => {
        throw new MediaflowError('not_found', 'No such thing', [{ path: 'id', message: 'unknown' }]);
      },
      { queue: 'q' },
    );
    const error = await bus.request(echo, { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowError);
    expect(error).toMatchObject({ code: 'not_found', message: 'No such thing', status: 404, details: [{ path: 'id', message: 'unknown' }] });
  });

  it('hides the text of unexpected errors and reports them to the server side', async () => {
    const seen: string[] = [];
    const bus = await open(prefix, (subject, e) => seen.push(`${subject}: ${(e as Error).message}`));
    await bus.serve(
      echo,
      async () => {
        throw new Error('password=hunter2 in a stack trace');
      },
      { queue: 'q' },
    );
    const error = (await bus.request(echo, { text: 'x' }).catch((e: unknown) => e)) as MediaflowError;
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('hunter2');
    expect(seen).toEqual(['test.echo: password=hunter2 in a stack trace']);
  });

  it('refuses a request that breaks the contract, naming the path', async () => {
    const bus = await open(prefix);
    const handler = jest.fn(async ({ text }: { text: string }) => ({ text, served_by: 'a' }));
    await bus.serve(echo, handler, { queue: 'q' });
    const error = (await bus.request(echo, { text: '' }).catch((e: unknown) => e)) as MediaflowError;
    expect(error.code).toBe('validation_failed');
    expect(error.details?.[0]?.path).toBe('text');
    expect(handler).not.toHaveBeenCalled();
  });

  it('says service_unavailable when nobody serves the subject', async () => {
    const bus = await open(prefix);
    await expect(bus.request(echo, { text: 'x' })).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
  });

  it('says service_unavailable when the server does not answer in time', async () => {
    const bus = await open(prefix);
    await bus.serve(echo, () => new Promise(() => undefined), { queue: 'q' });
    await expect(bus.request(echo, { text: 'x' }, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'service_unavailable',
      message: expect.stringContaining('did not answer in time'),
    });
  });

  it('keeps installations with different subject prefixes apart', async () => {
    const mine = await open(prefix);
    const theirs = await open(`${prefix}x`);
    await theirs.serve(echo, async ({ text }) => ({ text, served_by: 'theirs' }), { queue: 'q' });
    await expect(mine.request(echo, { text: 'x' })).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('shares requests among the replicas of a queue group, each answered once', async () => {
    const client = await open(prefix);
    const servedBy: string[] = [];
    for (const name of ['a', 'b']) {
      const replica = await open(prefix);
      await replica.serve(
        echo,
        async ({ text }) => {
          servedBy.push(name);
          return { text, served_by: name };
        },
        { queue: 'q' },
      );
    }
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => client.request(echo, { text: `${i}` })));
    expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 40 }, (_, i) => `${i}`));
    expect(servedBy).toHaveLength(40);
    expect(new Set(servedBy)).toEqual(new Set(['a', 'b']));
  });

  it('fails fast with a clear message when NATS is not there', async () => {
    await expect(NatsMessageBus.connect({ url: 'nats://127.0.0.1:1', name: 'test' })).rejects.toThrow(
      /Cannot reach NATS at nats:\/\/127.0.0.1:1/,
    );
  });
});
