import { type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';

/** What a service connects to (the bus, the task transport). */
interface Connection {
  close(): Promise<void>;
}

/**
 * A root module's dynamic module that provides `connection` under `token`
 * to every module of the app, and, when the service owns it (it connected
 * it; a caller's is the caller's to close), closes it once Nest has
 * stopped everything that used it.
 */
export function globalConnectionModule(
  module: Type<unknown>,
  token: symbol,
  connection: Connection,
  closeOnShutdown: boolean,
): DynamicModule {
  class ConnectionShutdown implements OnApplicationShutdown {
    async onApplicationShutdown(): Promise<void> {
      await connection.close();
    }
  }
  return {
    module,
    global: true,
    providers: [
      { provide: token, useValue: connection },
      ...(closeOnShutdown ? [ConnectionShutdown] : []),
    ],
    exports: [token],
  };
}
