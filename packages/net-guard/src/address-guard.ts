import diagnosticsChannel from 'node:diagnostics_channel';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress, type AddressClass } from './address-class';
import { isAllowedByList, normaliseHost, type AllowEntry } from './allow-list';
import { parseIp } from './ip-address';

/**
 * A connection refused because of where it would go. Its message is for the
 * user who gave the URL: it names their host and says how to allow it, never
 * what a name resolved to (that would map the internal DNS for them).
 * `detail` says it for the operator. Callers map the error to their own
 * (ingest's `input_forbidden`, a webhook's permanent failure).
 */
export class AddressRefusedError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly address: string,
    readonly addressClass: Exclude<AddressClass, 'public'>,
    /** For the operator's log: the address and its class, e.g. `vm resolves to 127.0.0.1, a loopback address`. */
    readonly detail: string,
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
  const isLiteral = name === normaliseHost(ip);
  const detail = isLiteral
    ? `${ip} is ${an} ${kind} address`
    : `${name} resolves to ${ip}, ${an} ${kind} address`;
  // An IP literal is what the user wrote: naming it and its class tells them nothing new.
  const message = isLiteral
    ? `${detail}, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS`
    : `${name} resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS`;
  return new AddressRefusedError(message, name, ip, kind, detail);
}

/**
 * The diagnostics channel {@link guardedLookup} publishes each refused host
 * name's {@link AddressRefusedError} on, for the operator's debug log
 * (@mediaflow/observability subscribes): this package has no logger.
 */
export const ADDRESS_REFUSED_CHANNEL = 'mediaflow:net-guard:address-refused';
const addressRefused = diagnosticsChannel.channel(ADDRESS_REFUSED_CHANNEL);

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
        if (!first && refusal) addressRefused.publish(refusal);
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
