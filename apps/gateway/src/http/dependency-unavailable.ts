/**
 * Which dependency an error says is unreachable, if any. The message bus
 * already answers `service_unavailable` itself (`No service is answering …`,
 * `… did not answer in time`); PostgreSQL, through node-postgres and TypeORM,
 * throws plain errors instead, which would otherwise be a 500 while the
 * database restarts.
 */
export type UnavailableDependency = 'database' | 'network';

/** SQLSTATEs of a database that is going away or cannot take the connection. */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection_exception and its subclasses
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (starting up, in recovery)
    code === '53300' // too_many_connections
  );
}

/** Socket errors: the peer is down, restarting or not reachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** node-postgres' and pg-pool's own words for a connection lost or not made in time. */
const POSTGRES_CONNECTION_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
];

export function unavailableDependency(error: unknown): UnavailableDependency | undefined {
  // TypeORM wraps the driver's error in a QueryFailedError. Not `instanceof Error`: socket
  // errors are made by Node's own realm, which is not the caller's under a test runner's VM.
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 3; depth++) {
    const { code, message, driverError, cause } = current as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)) return 'database';
      if (NETWORK_CODES.has(code)) return 'network';
    }
    if (typeof message === 'string' && POSTGRES_CONNECTION_MESSAGES.includes(message))
      return 'database';
    current = driverError ?? cause;
  }
  return undefined;
}
