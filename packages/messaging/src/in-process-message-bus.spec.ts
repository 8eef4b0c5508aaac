import { MediaflowError, defineRpc } from '@mediaflow/contracts';
import { z } from 'zod';
import { InProcessBroker } from './in-process-broker';
import { describeMessageBusContract } from './testing/message-bus.contract';
import { waitFor } from './testing/wait-for';

// Each test is its own installation: a broker of its own.
describeMessageBusContract('InProcessMessageBus', async () => {
  const broker = await InProcessBroker.open();
  let services = 0;
  return {
    open: async (options) => broker.messageBus({ name: `service-${++services}`, ...options }),
    cleanup: () => broker.close(),
  };
});

const echo = defineRpc({
  subject: 'test.echo',
  version: 1,
  request: z.object({ text: z.string().min(1) }),
  response: z.object({ text: z.string(), served_by: z.string() }),
});

describe('InProcessMessageBus', () => {
  const brokers: InProcessBroker[] = [];
  const openBroker = async () => {
    const broker = await InProcessBroker.open();
    brokers.push(broker);
    return broker;
  };
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  it('finishes, on close, the requests whose callers still wait, then serves no more', async () => {
    const broker = await openBroker();
    const [server, client] = [
      broker.messageBus({ name: 'server' }),
      broker.messageBus({ name: 'client' }),
    ];
    let began = false;
    let finish!: () => void;
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    await server.serve(
      echo,
      async ({ text }) => {
        began = true;
        await finishing;
        return { text, served_by: 'server' };
      },
      { queue: 'q' },
    );
    const reply = client.request(echo, { text: 'late' });
    await waitFor(() => began, 'the handler to begin');
    const order: string[] = [];
    const closed = server.close().then(() => order.push('closed'));
    void reply.then(() => order.push('replied'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual([]);
    finish();
    await closed;
    await expect(reply).resolves.toEqual({ text: 'late', served_by: 'server' });
    expect(order).toEqual(['replied', 'closed']);
    await expect(client.request(echo, { text: 'x' })).rejects.toMatchObject({
      code: 'service_unavailable',
    });
  });

  it('does not wait, on close, for a handler whose caller has given up', async () => {
    const broker = await openBroker();
    const bus = broker.messageBus({ name: 'stuck' });
    await bus.serve(echo, () => new Promise(() => undefined), { queue: 'q' });
    await expect(bus.request(echo, { text: 'x' }, { timeoutMs: 100 })).rejects.toBeInstanceOf(
      MediaflowError,
    );
    await bus.close();
    await expect(bus.ping()).rejects.toThrow(/closed/);
  });

  it('keeps brokers apart: each is one installation', async () => {
    const [mine, theirs] = [await openBroker(), await openBroker()];
    await theirs
      .messageBus({ name: 'theirs' })
      .serve(echo, async ({ text }) => ({ text, served_by: 'theirs' }), { queue: 'q' });
    await expect(
      mine.messageBus({ name: 'mine' }).request(echo, { text: 'x' }),
    ).rejects.toMatchObject({
      code: 'service_unavailable',
    });
  });

  it('closes every bus, and gives out no more, when the broker closes', async () => {
    const broker = await openBroker();
    const bus = broker.messageBus({ name: 'a' });
    await bus.serve(echo, async ({ text }) => ({ text, served_by: 'a' }), { queue: 'q' });
    await broker.close();
    await expect(bus.ping()).rejects.toThrow(/closed/);
    expect(() => broker.messageBus({ name: 'b' })).toThrow(/closed/);
  });
});
