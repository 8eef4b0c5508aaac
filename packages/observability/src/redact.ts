/**
 * What a log line must not hold: the credentials a request or an outgoing
 * URL can carry in its headers, its query or its user info. Pure, so the
 * rule is table-tested; the log serializers (logger.ts) apply it to every
 * line, at every level.
 */

/** What a credential's value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Header and parameter names that are credentials whatever they contain. */
const CREDENTIAL_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'signature',
  'sig',
  'api_key',
  'apikey',
  'token',
  'access_token',
  'auth',
]);

/**
 * A name holding one of these is taken for a credential: `client_secret`,
 * `X-Amz-Signature`, `X-Amz-Security-Token`, `refresh_token`, `passwd`…
 * Over-redacting a harmless `*key*` (`Idempotency-Key`) costs a debugging
 * hint; missing a secret costs the secret.
 */
const CREDENTIAL_PARTS = [
  'key',
  'secret',
  'token',
  'password',
  'passwd',
  'signature',
  'credential',
];

/** Whether a header or query parameter of this name (any case, percent-encoded or not) can carry a credential. */
export function isCredentialName(name: string): boolean {
  const lower = decodeComponent(name).trim().toLowerCase();
  return CREDENTIAL_NAMES.has(lower) || CREDENTIAL_PARTS.some((part) => lower.includes(part));
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * A `name=value` parameter that follows `?`, `&`, `;` or `#` (a query, or a
 * fragment like OAuth's `#access_token=`). The value stops where a URL's
 * parameter does, or where a URL quoted in a message would end.
 */
const PARAMETER = /([?&;#])([^=&;#?\s"'<>]+)=([^&#\s"'<>]*)/g;

/** `scheme://userinfo@`: the user info is dropped whole, `https://<token>@host` being a credential too. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/**
 * `text` with every URL in it redacted: the value of each credential
 * parameter ({@link isCredentialName}) becomes `[REDACTED]`, user info
 * (`user:password@`) too. A credential inside a percent-encoded URL in
 * another parameter (`?next=https%3A%2F%2Fx%2F%3Ftoken%3D…`) is found as well.
 * The rest (path, host, other parameters) is left as it was.
 */
export function redactUrlsIn(text: string): string {
  // Most log lines hold no URL: skip the regular expressions for them.
  if (!/[?&;#=@]/.test(text)) return text;
  return text
    .replace(USER_INFO, `$1${REDACTED}@`)
    .replace(PARAMETER, (whole, separator: string, name: string, value: string) => {
      if (isCredentialName(name)) return `${separator}${name}=${REDACTED}`;
      if (!value.includes('%')) return whole;
      const decoded = decodeComponent(value);
      const redacted = redactUrlsIn(decoded);
      return redacted === decoded ? whole : `${separator}${name}=${encodeURIComponent(redacted)}`;
    });
}

/**
 * A URL (absolute, or a path with its query as a request line has it) as
 * logs may show it: the path kept, each credential parameter's value
 * `[REDACTED]`. See {@link redactUrlsIn}.
 */
export function redactUrl(url: string): string {
  return redactUrlsIn(url);
}

/**
 * Headers (a request's, a response's) as logs may show them: the value of
 * each credential header `[REDACTED]`, and URLs in the others (`Location`,
 * `Referer`, `Link`) redacted by {@link redactUrlsIn}. A new object.
 */
export function redactHeaders(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactFields(headers, 0) as Record<string, unknown>;
}

/**
 * Any value a log line is given (a parsed query, an error with its
 * properties) by the same rule: each field named like a credential
 * `[REDACTED]`, URLs in strings redacted, down to a few levels.
 */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlsIn(value);
  // Deeper than any header, query or error a log line holds; and no cycle runs forever.
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const redacted: Record<string, unknown> = {};
  // An Error's message and stack are its own but not enumerable.
  if (value instanceof Error) {
    redacted.message = redactUrlsIn(value.message);
    if (value.stack) redacted.stack = redactUrlsIn(value.stack);
  }
  for (const [name, field] of Object.entries(value)) {
    redacted[name] = isCredentialName(name) ? REDACTED : redactFields(field, depth + 1);
  }
  return redacted;
}

const MAX_DEPTH = 5;
