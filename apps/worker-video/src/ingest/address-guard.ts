import { MediaflowError } from '@mediaflow/contracts';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress } from './address-class';
import { isAllowedByList, normaliseHost, type AllowEntry } from './allow-list';
import { parseIp } from './ip-address';

/**
 * Null when `host` may be fetched at `ip`: a public address, or one the
 * operator allows. Otherwise the `input_forbidden` error that says why and
 * how to allow it.
 */
export function addressRefusal(
  host: string,
  ip: string,
  allowList: readonly AllowEntry[],
): MediaflowError | null {
  if (isAllowedByList(host, ip, allowList)) return null;
  const kind = classifyAddress(ip);
  if (kind === 'public') return null;
  const name = normaliseHost(host);
  const an = kind === 'unspecified' ? 'an' : 'a'; // "a unique-local": the sound, not the letter
  const where = name === normaliseHost(ip) ? `${ip} is ${an}` : `${name} resolves to ${ip}, ${an}`;
  return new MediaflowError(
    'input_forbidden',
    `${where} ${kind} address; allow it with MEDIAFLOW_ALLOWED_HOSTS`,
  );
}

/** Whether a URL's host is an IP literal, which Node connects to without any lookup. */
export function isIpLiteral(host: string): boolean {
  return parseIp(normaliseHost(host)) !== null;
}

type ResolvedCallback = Parameters<LookupFunction>[2];

/**
 * A `lookup` for http(s).request that resolves the host and hands the socket
 * only the addresses it checked, so what is checked is what is connected to
 * (no DNS-rebinding gap between a check and a second resolution). Addresses
 * that fail the check are dropped; when none is left the connection fails
 * with the refusal of the first.
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
        let refusal: MediaflowError | null = null;
        const allowed = addresses.filter((a) => {
          const why = addressRefusal(hostname, a.address, allowList);
          refusal ??= why;
          return why === null;
        });
        const first = allowed[0];
        if (!first) {
          callback(
            refusal ?? new MediaflowError('input_unreachable', `${hostname} has no address`),
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
