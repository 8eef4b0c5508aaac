import {
  MediaflowError,
  type RpcDefinition,
  type RpcRequest,
  type RpcResponse,
} from '@mediaflow/contracts';
import { ErrorCode, type NatsConnection, type Subscription } from 'nats';
import type { MessageBus, RpcHandler, ServeOptions, Served } from './message-bus';
import { countPublished } from './message-metrics';
import { encodeReply, encodeRequest, parseReply, parseRequest, toReplyError } from './rpc-codec';
import { connectNats, type NatsConnectionOptions } from './nats-connection';

export interface NatsMessageBusOptions extends NatsConnectionOptions {
  subjectPrefix?: string;
  requestTimeoutMs?: number;
  /** Told about handler failures that are not MediaflowErrors (bugs), with the stack. */
  onHandlerError?: (subject: string, error: unknown) => void;
}

/** The production driver: core NATS request/reply, reconnecting forever once connected. */
export class NatsMessageBus implements MessageBus {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsMessageBusOptions,
  ) {}

  static async connect(options: NatsMessageBusOptions): Promise<NatsMessageBus> {
    const connection = await connectNats(options);
    return new NatsMessageBus(connection, options);
  }

  subject(definition: RpcDefinition): string {
    return this.options.subjectPrefix
      ? `${this.options.subjectPrefix}.${definition.subject}`
      : definition.subject;
  }

  async request<D extends RpcDefinition>(
    definition: D,
    data: RpcRequest<D>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResponse<D>> {
    const timeout = options.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000;
    let reply;
    countPublished('request');
    try {
      reply = await this.connection.request(
        this.subject(definition),
        encodeRequest(definition, data),
        { timeout },
      );
    } catch (error) {
      throw unavailable(definition, error);
    }
    return parseReply(definition, reply.data);
  }

  async serve<D extends RpcDefinition>(
    definition: D,
    handler: RpcHandler<D>,
    options: ServeOptions,
  ): Promise<Served> {
    const subscription: Subscription = this.connection.subscribe(this.subject(definition), {
      queue: options.queue,
      callback: (error, message) => {
        if (error) return;
        void (async () => {
          let reply: Uint8Array;
          try {
            const request = parseRequest(definition, message.data);
            const response = definition.response.parse(await handler(request as never));
            reply = encodeReply(definition, { data: response });
          } catch (failure) {
            if (!(failure instanceof MediaflowError))
              this.options.onHandlerError?.(definition.subject, failure);
            reply = encodeReply(definition, { error: toReplyError(failure) });
          }
          countPublished('reply');
          message.respond(reply);
        })();
      },
    });
    // Make sure the server has the subscription before saying we serve: a
    // request sent right after would otherwise find no responders.
    await this.connection.flush();
    return {
      stop: async () => {
        await subscription.drain();
      },
    };
  }

  async ping(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    await this.connection.drain();
  }
}

function unavailable(definition: RpcDefinition, error: unknown): MediaflowError {
  const code = (error as { code?: string }).code;
  if (code === ErrorCode.NoResponders) {
    return new MediaflowError(
      'service_unavailable',
      `No service is answering ${definition.subject}; try again shortly`,
    );
  }
  if (code === ErrorCode.Timeout) {
    return new MediaflowError(
      'service_unavailable',
      `${definition.subject} did not answer in time; try again shortly`,
    );
  }
  return new MediaflowError(
    'service_unavailable',
    `The message bus is unavailable: ${(error as Error).message}`,
  );
}
