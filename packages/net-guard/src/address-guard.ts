import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress, type AddressClass } from './address-class';
import { isAllowedByList, normaliseHost, type AllowEntry } from './allow-list';
import { parseIp } from './ip-address';

/**
 * A connection refused because of where it would go. Its message says why
 * and how to allow it; callers map it to their own error (ingest's
 * `input_forbidden`, a webhook's permanent failure).
 */
export class AddressRefusedError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly address: string,
    readonly addressClass: Exclude<AddressClass, 'public'>,
  ) {
    super(message);
    this.name = 'AddressRefusedError';
  }
}

export function isAddressRefusedError(value: unknown): value is AddressRefusedError {
  return value instanceof AddressRefusedError;
}

/**
 * Null when `host` may be connected to at `ip`: a public address, or one the
 * operator allows. Otherwise the error that says why and how to allow it.
 */
export function addressRefusal(
  host: string,
  ip: string,
  allowList: readonly AllowEntry[],
): AddressRefusedError | null {
  if (isAllowedByList(host, ip, allowList)) return null;
  const kind = classifyAddress(ip);
  if (kind === 'public') return null;
  const name = normaliseHost(host);
  const an = kind === 'unspecified' ? 'an' : 'a'; // "a unique-local": the sound, not the letter
  const where = name === normaliseHost(ip) ? `${ip} is ${an}` : `${name} resolves to ${ip}, ${an}`;
  return new AddressRefusedError(
    `${where} ${kind} address; allow it with MEDIAFLOW_ALLOWED_HOSTS`,
    name,
    ip,
    kind,
  );
}

/** Whether a URL's host is an IP literal, which Node connects to without any lookup. */
export function isIpLiteral(host: string): boolean {
  return parseIp(normaliseHost(host)) !== null;
}

/**
 * The refusal of a URL whose host is an IP literal that is not allowed.
 * Node skips `lookup` for those, so {@link guardedLookup} never sees them:
 * check with this before each request. Null for host names (the lookup checks them).
 */
export function literalHostRefusal(
  url: URL,
  allowList: readonly AllowEntry[],
): AddressRefusedError | null {
  return isIpLiteral(url.hostname)
    ? addressRefusal(url.hostname, normaliseHost(url.hostname), allowList)
    : null;
}

type ResolvedCallback = Parameters<LookupFunction>[2];

/**
 * A `lookup` for http(s).request that resolves the host and hands the socket
 * only the addresses it checked, so what is checked is what is connected to
 * (no DNS-rebinding gap between a check and a second resolution). Addresses
 * that fail the check are dropped; when none is left the connection fails
 * with the {@link AddressRefusedError} of the first.
 */
export function guardedLookup(allowList: readonly AllowEntry[]): LookupFunction {
  return (hostname, options, callback: ResolvedCallback) => {
    dnsLookup(
      hostname,
      { family: options.family, hints: options.hints, all: true },
      (error, addresses: LookupAddress[]) => {
        if (error) {
          callback(error, '', 0);
          return;
        }
        let refusal: AddressRefusedError | null = null;
        const allowed = addresses.filter((a) => {
          const why = addressRefusal(hostname, a.address, allowList);
          refusal ??= why;
          return why === null;
        });
        const first = allowed[0];
        if (!first) {
          callback(
            refusal ??
              Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        } else if (options.all) {
          callback(null, allowed);
        } else {
          callback(null, first.address, first.family);
        }
      },
    );
  };
}
