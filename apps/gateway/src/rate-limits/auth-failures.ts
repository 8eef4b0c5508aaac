import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { isAddressRefused, retryAfterSeconds } from './rate-limit-policy';
import { RateLimitStore } from './rate-limit-store';

/**
 * Failed authentications by client address: every 401 the gateway answers
 * counts one against the address it answered, and an address with
 * MEDIAFLOW_AUTH_FAILURE_LIMIT of them in its window is refused (429) until
 * the window ends, before its key is looked at (AuthFailureGuard), so
 * guessing keys stops.
 *
 * The address is Fastify's `request.ip`. The gateway's Fastify trusts no
 * proxy (http/http-adapter.ts sets no `trustProxy`), so behind a load
 * balancer or an ingress it is the proxy's address, shared by every client:
 * one client's bad keys would then refuse them all for a window. Until a
 * trusted proxy can be configured, expose the gateway directly or raise
 * MEDIAFLOW_AUTH_FAILURE_LIMIT.
 */
@Injectable()
export class AuthFailures implements OnModuleInit {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly store: RateLimitStore,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG)
    private readonly config: Pick<GatewayConfig, 'MEDIAFLOW_AUTH_FAILURE_LIMIT'>,
  ) {}

  /**
   * Counts 401s as they are sent: `onSend`, not `onResponse`, so that a
   * failure is counted before its answer reaches the client, and a client
   * that waits for each answer is refused at exactly the limit. Every 401
   * passes here: the guard's, a signed download's, any other.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode === 401) await this.count(request.ip);
      return payload;
    });
  }

  /** Seconds the address must wait when it is refused; undefined when it may try. */
  async refusal(address: string): Promise<number | undefined> {
    try {
      const use = await this.store.authFailures.get(address);
      if (!use || !isAddressRefused(use.consumedPoints, this.config.MEDIAFLOW_AUTH_FAILURE_LIMIT))
        return undefined;
      return retryAfterSeconds(use.msBeforeNext);
    } catch (error) {
      this.logger.warn(`cannot read the failed authentications of ${address}: ${String(error)}`);
      return undefined;
    }
  }

  private async count(address: string): Promise<void> {
    try {
      // `penalty` counts without refusing: the refusal is the guard's, on the next request.
      await this.store.authFailures.penalty(address);
    } catch (error) {
      this.logger.warn(`cannot count a failed authentication of ${address}: ${String(error)}`);
    }
  }
}
