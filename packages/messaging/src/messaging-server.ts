import { RPC_DEFINITIONS, type RpcDefinition } from '@mediaflow/contracts';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import type { MessageBus, Served } from './message-bus';

export interface MessagingServerOptions {
  /** Queue group shared by the replicas of this service. */
  queue: string;
  definitions?: readonly RpcDefinition[];
}

/**
 * A NestJS transport strategy over our {@link MessageBus}: `@MessagePattern`
 * handlers are served on the subjects of their contracts, with requests and
 * replies parsed by the contract schemas. It works the same on either driver.
 */
export class MessagingServer extends Server implements CustomTransportStrategy {
  private served: Served[] = [];
  private readonly definitions: Map<string, RpcDefinition>;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: MessagingServerOptions,
  ) {
    super();
    this.definitions = new Map((options.definitions ?? RPC_DEFINITIONS).map((d) => [d.subject, d]));
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        const definition = this.definitions.get(pattern);
        if (!definition)
          throw new Error(`@MessagePattern('${pattern}') has no contract in @mediaflow/contracts`);
        const served = await this.bus.serve(
          definition,
          async (request) => lastValueFrom(this.transformToObservable(await handler(request))),
          { queue: this.options.queue },
        );
        this.served.push(served);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.served.map((s) => s.stop()));
    this.served = [];
  }

  on(): void {
    // The bus reports its own connection state; there are no transport events to subscribe to.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

/**
 * Nest's default RPC filter turns every error into "Internal server error";
 * this one passes errors through untouched so that the bus can answer a
 * MediaflowError with its code and hide anything else. Bind it with
 * `@UseFilters` on each RPC handler class: in a hybrid (HTTP + microservice)
 * app a global filter added after `connectMicroservice` is ignored.
 */
@Catch()
export class RpcErrorPassthroughFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
