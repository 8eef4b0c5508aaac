import { inCidr, parseCidr, parseIp, unmapIpv4, type Cidr } from './ip-address';

/** One entry of MEDIAFLOW_ALLOWED_HOSTS: a host name, or an address or block of addresses. */
export type AllowEntry =
  { type: 'host'; name: string } | { type: 'cidr'; cidr: Cidr; text: string };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

/** Host names compare without case, a trailing dot or IPv6 brackets. */
export function normaliseHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Parses `host, 10.0.0.5, 10.1.0.0/16, fd00::/8` (commas, spaces around
 * entries ignored). Throws an Error naming the first entry that is none of those.
 */
export function parseAllowList(text: string | undefined): AllowEntry[] {
  if (!text) return [];
  const entries: AllowEntry[] = [];
  for (const raw of text.split(',')) {
    const entry = normaliseHost(raw.trim());
    if (entry === '') continue;
    const block = parseCidr(entry);
    if (block) entries.push({ type: 'cidr', cidr: block, text: entry });
    else if (
      !entry.includes('/') &&
      !entry.includes(':') &&
      HOST_NAME.test(entry) &&
      !/^[\d.]+$/.test(entry)
    ) {
      entries.push({ type: 'host', name: entry });
    } else throw new Error(`"${raw.trim()}" is not a host name, an IP address or a CIDR block`);
  }
  return entries;
}

/**
 * Whether the operator allows fetching `host` (as written in the URL) at
 * `ip` (what it resolved to): by its name, or by the address, an IPv4-mapped
 * IPv6 address matching its IPv4 entries too.
 */
export function isAllowedByList(
  host: string,
  ip: string,
  allowList: readonly AllowEntry[],
): boolean {
  const name = normaliseHost(host);
  const parsed = parseIp(ip);
  const candidates = parsed ? [parsed, unmapIpv4(parsed)] : [];
  return allowList.some((entry) =>
    entry.type === 'host'
      ? entry.name === name
      : candidates.some((candidate) => inCidr(candidate, entry.cidr)),
  );
}
