/** A satisfiable byte range, both ends inclusive and within the representation. */
export interface SatisfiableRange {
  start: number;
  end: number;
}

/**
 * Reads an HTTP `Range` header against a representation of `size` bytes
 * (RFC 9110 §14): a range to send as 206, `'unsatisfiable'` for a 416, or
 * null to send the whole body as 200 — when the header is absent, has
 * another unit, is malformed, or asks for several ranges (which we do not
 * serve as multipart, and §14.2 lets a server ignore).
 */
export function parseRangeHeader(
  header: string | undefined,
  size: number,
): SatisfiableRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return null;
  const specs = match[1]!
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length !== 1) return null;
  const spec = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]!);
  if (!spec) return null;
  const [, first, last] = spec as unknown as [string, string, string];

  if (first === '') {
    if (last === '') return null;
    // Suffix range: the last N bytes, all of them when N exceeds the size.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null; // invalid: first-pos after last-pos
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

/** The `Content-Range` value for a 206 (a range) or a 416 (`'unsatisfiable'`). */
export function contentRange(range: SatisfiableRange | 'unsatisfiable', size: number): string {
  return range === 'unsatisfiable'
    ? `bytes */${size}`
    : `bytes ${range.start}-${range.end}/${size}`;
}
