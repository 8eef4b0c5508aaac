import { MediaflowError, defineRpc } from '@mediaflow/contracts';
import { z } from 'zod';
import type { MessageBus } from '../message-bus';
import { waitFor } from './wait-for';

/** One isolated installation of a driver: every bus it opens talks to the others, and to nothing else. */
export interface MessageBusInstallation {
  /** The bus of another service of the installation. */
  open(options?: {
    requestTimeoutMs?: number;
    onHandlerError?: (subject: string, error: unknown) => void;
  }): Promise<MessageBus>;
  /** Closes whatever is still open. */
  cleanup(): Promise<void>;
}

const TEST_TIMEOUT_MS = 60_000;

const echo = defineRpc({
  subject: 'test.echo',
  version: 1,
  request: z.object({ text: z.string().min(1) }),
  response: z.object({ text: z.string(), served_by: z.string() }),
});

/** The same subject, a contract version the servers in these tests do not speak. */
const echoV2 = defineRpc({ ...echo, version: 2 });

/**
 * What every MessageBus driver does, run against each of them (NATS, in-process)
 * so that services behave the same whichever they are given.
 */
export function describeMessageBusContract(
  name: string,
  install: () => Promise<MessageBusInstallation>,
): void {
  describe(`${name}: the MessageBus contract`, () => {
    let installation: MessageBusInstallation;
    const open: MessageBusInstallation['open'] = (options) => installation.open(options);
    beforeEach(async () => {
      installation = await install();
    });
    afterEach(async () => {
      await installation.cleanup();
    });

    it(
      'carries a request to its handler and the parsed reply back',
      async () => {
        const [server, client] = [await open(), await open()];
        await server.serve(
          echo,
          async ({ text }) => ({ text: text.toUpperCase(), served_by: 'a' }),
          { queue: 'q' },
        );
        await expect(client.request(echo, { text: 'hi' })).resolves.toEqual({
          text: 'HI',
          served_by: 'a',
        });
        // A service may call what it serves itself.
        await expect(server.request(echo, { text: 'me' })).resolves.toEqual({
          text: 'ME',
          served_by: 'a',
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'answers a MediaflowError with its code, message and details',
      async () => {
        const bus = await open();
        await bus.serve(
          echo,
          async () => {
            throw new MediaflowError('not_found', 'No such thing', [
              { path: 'id', message: 'unknown' },
            ]);
          },
          { queue: 'q' },
        );
        const error = await bus.request(echo, { text: 'x' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MediaflowError);
        expect(error).toMatchObject({
          code: 'not_found',
          message: 'No such thing',
          status: 404,
          details: [{ path: 'id', message: 'unknown' }],
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'hides the text of unexpected errors and reports them to the server side',
      async () => {
        const seen: string[] = [];
        const server = await open({
          onHandlerError: (subject, e) => seen.push(`${subject}: ${(e as Error).message}`),
        });
        const client = await open();
        await server.serve(
          echo,
          async () => {
            throw new Error('password=hunter2 in a stack trace');
          },
          { queue: 'q' },
        );
        const error = (await client
          .request(echo, { text: 'x' })
          .catch((e: unknown) => e)) as MediaflowError;
        expect(error).toBeInstanceOf(MediaflowError);
        expect(error.code).toBe('internal');
        expect(error.message).not.toContain('hunter2');
        expect(seen).toEqual(['test.echo: password=hunter2 in a stack trace']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses a request that breaks the contract, naming the path',
      async () => {
        const bus = await open();
        const handler = jest.fn(async ({ text }: { text: string }) => ({ text, served_by: 'a' }));
        await bus.serve(echo, handler, { queue: 'q' });
        const error = (await bus
          .request(echo, { text: '' })
          .catch((e: unknown) => e)) as MediaflowError;
        expect(error.code).toBe('validation_failed');
        expect(error.details?.[0]?.path).toBe('text');
        expect(handler).not.toHaveBeenCalled();
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses a request of a contract version the server does not speak',
      async () => {
        const bus = await open();
        await bus.serve(echo, async ({ text }) => ({ text, served_by: 'a' }), { queue: 'q' });
        await expect(bus.request(echoV2, { text: 'x' })).rejects.toMatchObject({
          code: 'validation_failed',
          message: expect.stringContaining('contract version 2 is not served here'),
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'answers internal, and tells the server side, when a handler replies outside its contract',
      async () => {
        const seen: string[] = [];
        const bus = await open({ onHandlerError: (subject) => seen.push(subject) });
        await bus.serve(echo, async () => ({ text: 'x' }) as never, { queue: 'q' });
        await expect(bus.request(echo, { text: 'x' })).rejects.toMatchObject({ code: 'internal' });
        expect(seen).toEqual(['test.echo']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'says service_unavailable when nobody serves the subject',
      async () => {
        const bus = await open();
        await expect(bus.request(echo, { text: 'x' })).rejects.toMatchObject({
          code: 'service_unavailable',
          status: 503,
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'says service_unavailable when the server does not answer in time',
      async () => {
        const server = await open();
        await server.serve(echo, () => new Promise(() => undefined), { queue: 'q' });
        const client = await open();
        await expect(client.request(echo, { text: 'x' }, { timeoutMs: 200 })).rejects.toMatchObject(
          {
            code: 'service_unavailable',
            message: expect.stringContaining('did not answer in time'),
          },
        );
        // The bus's own timeout, when the call gives none.
        const impatient = await open({ requestTimeoutMs: 200 });
        await expect(impatient.request(echo, { text: 'x' })).rejects.toMatchObject({
          code: 'service_unavailable',
          message: expect.stringContaining('did not answer in time'),
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'shares requests among the replicas of a queue group, each answered once',
      async () => {
        const client = await open();
        const servedBy: string[] = [];
        for (const name of ['a', 'b']) {
          const replica = await open();
          await replica.serve(
            echo,
            async ({ text }) => {
              servedBy.push(name);
              return { text, served_by: name };
            },
            { queue: 'q' },
          );
        }
        const replies = await Promise.all(
          Array.from({ length: 40 }, (_, i) => client.request(echo, { text: `${i}` })),
        );
        expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 40 }, (_, i) => `${i}`));
        expect(servedBy).toHaveLength(40);
        expect(new Set(servedBy)).toEqual(new Set(['a', 'b']));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'hands a request to one member of each queue group serving the subject',
      async () => {
        const client = await open();
        const heard: string[] = [];
        let releaseAudit!: () => void;
        const audited = new Promise<void>((resolve) => (releaseAudit = resolve));
        for (const group of ['audit', 'main']) {
          const service = await open();
          await service.serve(
            echo,
            async ({ text }) => {
              heard.push(group);
              // The audit group answers only after the reply is in: the first answer is the reply.
              if (group === 'audit') await audited;
              return { text, served_by: group };
            },
            { queue: group },
          );
        }
        await expect(client.request(echo, { text: 'x' })).resolves.toEqual({
          text: 'x',
          served_by: 'main',
        });
        await waitFor(() => heard.length === 2, 'both groups to hear the request');
        releaseAudit();
        expect(heard.sort()).toEqual(['audit', 'main']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'stops serving when told, so that requests find nobody',
      async () => {
        const [server, client] = [await open(), await open()];
        const served = await server.serve(echo, async ({ text }) => ({ text, served_by: 'a' }), {
          queue: 'q',
        });
        await expect(client.request(echo, { text: 'x' })).resolves.toMatchObject({
          served_by: 'a',
        });
        await served.stop();
        await expect(client.request(echo, { text: 'x' })).rejects.toMatchObject({
          code: 'service_unavailable',
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'answers ping while open, and neither ping nor requests once closed',
      async () => {
        const [server, client] = [await open(), await open()];
        await server.serve(echo, async ({ text }) => ({ text, served_by: 'a' }), { queue: 'q' });
        await expect(client.ping()).resolves.toBeUndefined();
        await client.close();
        await expect(client.ping()).rejects.toThrow();
        await expect(client.request(echo, { text: 'x' })).rejects.toMatchObject({
          code: 'service_unavailable',
        });
        // Closing one service's bus leaves the others running.
        await expect(server.ping()).resolves.toBeUndefined();
        await expect(server.request(echo, { text: 'x' })).resolves.toMatchObject({
          served_by: 'a',
        });
      },
      TEST_TIMEOUT_MS,
    );
  });
}
