import type { LogPosition } from './events.repository';

/** A position as the RPC answers it: opaque to the gateway. */
export function formatCursor(position: LogPosition): string {
  return `${position.xid}:${position.seq}`;
}

/** The contract's pattern (`<digits>:<digits>`) has been checked on arrival. */
export function parseCursor(cursor: string): LogPosition {
  const [xid, seq] = cursor.split(':') as [string, string];
  return { xid, seq };
}
