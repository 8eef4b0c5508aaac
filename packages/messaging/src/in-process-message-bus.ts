import {
  MediaflowError,
  type RpcDefinition,
  type RpcRequest,
  type RpcResponse,
} from '@mediaflow/contracts';
import type { RpcRouter } from './in-process-rpc-router';
import type { MessageBus, RpcHandler, ServeOptions, Served } from './message-bus';
import { countPublished } from './message-metrics';
import type { NatsMessageBusOptions } from './nats-message-bus';
import { encodeReply, encodeRequest, parseReply, parseRequest, toReplyError } from './rpc-codec';

/** The NATS bus's options, less what only a network needs: `name` names the service in errors. */
export type InProcessMessageBusOptions = Omit<NatsMessageBusOptions, 'url' | 'subjectPrefix'>;

/**
 * One service's view of an {@link InProcessBroker}'s request/reply: what the
 * NATS bus does, inside one process. Requests and replies cross as the same
 * bytes, parsed by the same contract schemas on arrival (rpc-codec), so that
 * a handler sees what it would see over NATS; each request goes to one
 * replica of each queue group serving its subject, in turn.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly served = new Set<Served>();
  private closing?: Promise<void>;
  private closed = false;

  /** @internal Made by {@link InProcessBroker.messageBus}. */
  constructor(
    private readonly router: RpcRouter,
    private readonly options: InProcessMessageBusOptions,
    private readonly onClosed: () => void,
  ) {}

  async request<D extends RpcDefinition>(
    definition: D,
    data: RpcRequest<D>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResponse<D>> {
    if (this.closed) {
      throw new MediaflowError(
        'service_unavailable',
        `The message bus is unavailable: ${this.options.name}'s bus is closed`,
      );
    }
    const responders = this.router.route(definition.subject);
    if (responders.length === 0) {
      throw new MediaflowError(
        'service_unavailable',
        `No service is answering ${definition.subject}; try again shortly`,
      );
    }
    const timeout = options.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000;
    const bytes = encodeRequest(definition, data);
    countPublished('request');
    let gaveUp!: () => void;
    const callerGaveUp = new Promise<void>((resolve) => (gaveUp = resolve));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new MediaflowError(
              'service_unavailable',
              `${definition.subject} did not answer in time; try again shortly`,
            ),
          ),
        timeout,
      );
    });
    try {
      // With several queue groups on one subject, the first reply wins, as with NATS.
      const reply = await Promise.race([
        Promise.any(responders.map((respond) => respond(bytes, callerGaveUp))),
        timedOut,
      ]);
      return parseReply(definition, reply);
    } finally {
      clearTimeout(timer);
      gaveUp();
    }
  }

  async serve<D extends RpcDefinition>(
    definition: D,
    handler: RpcHandler<D>,
    options: ServeOptions,
  ): Promise<Served> {
    this.assertOpen();
    /** Handlers under way, each until it answers or its caller stops waiting for it. */
    const underWay = new Set<Promise<void>>();
    const remove = this.router.add(definition.subject, options.queue, (bytes, callerGaveUp) => {
      const reply = this.answer(definition, handler, bytes);
      const settled = Promise.race([
        reply.then(
          () => undefined,
          () => undefined,
        ),
        callerGaveUp,
      ]);
      underWay.add(settled);
      void settled.then(() => underWay.delete(settled));
      return reply;
    });
    let stopped: Promise<void> | undefined;
    const served: Served = {
      stop: () =>
        (stopped ??= (async () => {
          remove();
          this.served.delete(served);
          await Promise.all([...underWay]);
        })()),
    };
    this.served.add(served);
    return served;
  }

  /** Resolves while the bus is open; for readiness probes. */
  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** Stops serving, waits for the handlers whose callers still wait, and refuses anything after. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.served].map((s) => s.stop()));
      this.onClosed();
    })());
  }

  /** What the NATS bus's subscription callback does with a request, on a later turn as there. */
  private async answer<D extends RpcDefinition>(
    definition: D,
    handler: RpcHandler<D>,
    bytes: Uint8Array,
  ): Promise<Uint8Array> {
    await Promise.resolve();
    countPublished('reply');
    try {
      const request = parseRequest(definition, bytes);
      const response = definition.response.parse(await handler(request as never));
      return encodeReply(definition, { data: response });
    } catch (failure) {
      if (!(failure instanceof MediaflowError))
        this.options.onHandlerError?.(definition.subject, failure);
      return encodeReply(definition, { error: toReplyError(failure) });
    }
  }

  private assertOpen(): void {
    if (this.closed)
      throw new Error(`The in-process message bus of ${this.options.name} is closed`);
  }
}
