import { connect, type NatsConnection } from 'nats';

/**
 * A NATS connection as every driver opens it: fail fast with a clear message
 * when the server is not there at start, then reconnect forever.
 */
export async function connectNats(options: { url: string; name: string }): Promise<NatsConnection> {
  try {
    return await connect({
      servers: options.url,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
  } catch (error) {
    throw new Error(`Cannot reach NATS at ${options.url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
