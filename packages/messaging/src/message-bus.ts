import type { RpcDefinition, RpcRequest, RpcResponse } from '@mediaflow/contracts';
import type { z } from 'zod';

/** The handler of a request/reply contract: gets the parsed request, returns the response. */
export type RpcHandler<D extends RpcDefinition> = (
  request: z.output<D['request']>,
) => Promise<z.input<D['response']>>;

export interface ServeOptions {
  /** Queue group: replicas of one service share the requests. */
  queue: string;
}

export interface Served {
  stop(): Promise<void>;
}

/**
 * What services use to talk to each other. One interface, two drivers: NATS
 * for production and the multi-process mode, in-process for the all-in-one.
 */
export interface MessageBus {
  /** Sends a request and waits for the parsed reply; a failure reply throws its MediaflowError. */
  request<D extends RpcDefinition>(
    definition: D,
    data: RpcRequest<D>,
    options?: { timeoutMs?: number },
  ): Promise<RpcResponse<D>>;
  serve<D extends RpcDefinition>(
    definition: D,
    handler: RpcHandler<D>,
    options: ServeOptions,
  ): Promise<Served>;
  /** Resolves when the broker answers a round trip; for readiness probes. */
  ping(): Promise<void>;
  /** Finishes in-flight work, then disconnects. */
  close(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
