function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The name a Content-Disposition header gives, as sent (not yet made safe):
 * RFC 6266's `filename*` first, then `filename`. Of the charsets of
 * `filename*` only UTF-8 is read: it is all anyone sends, and all RFC 8187 keeps.
 */
export function dispositionFilename(header: string | null | undefined): string | null {
  if (!header) return null;
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^;]*)/i.exec(header);
  const parts = extended ? /^([^']*)'[^']*'(.*)$/.exec(extended[1]!.trim()) : null;
  if (parts && /^utf-8$/i.test(parts[1]!)) return decode(parts[2]!);
  const plain = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(header);
  if (!plain) return null;
  const value = plain[1]!.trim();
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/**
 * A `Content-Disposition` value naming `filename` (RFC 6266): a plain ASCII
 * fallback, which no quote, backslash or line break can bend, and the
 * UTF-8 form (RFC 8187) that browsers prefer.
 */
export function contentDisposition(
  filename: string,
  type: 'inline' | 'attachment' = 'inline',
): string {
  // Printable ASCII except the quote and the backslash, which would need escaping.
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
