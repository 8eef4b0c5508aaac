import { redactUrl } from '@mediaflow/observability';
import { connect, type NatsConnection } from 'nats';

export interface NatsConnectionOptions {
  /** One server's URL, or several separated by commas (a cluster's). */
  url: string;
  /** Shown in the server's connection list. */
  name: string;
  /** This app's NATS user, where the server asks for one. */
  user?: string;
  password?: string;
}

/**
 * A NATS connection as every driver opens it: fail fast with a clear message
 * when the server is not there at start (or refuses the credentials), then
 * reconnect forever.
 */
export async function connectNats(options: NatsConnectionOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: options.url.split(',').map((server) => server.trim()),
      name: options.name,
      ...(options.user !== undefined ? { user: options.user, pass: options.password } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
  } catch (error) {
    // The message ends on stderr and in logs: not a `user:password@` the URL may hold.
    throw new Error(`Cannot reach NATS at ${redactUrl(options.url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
