import { cidr, inCidr, parseIp, type Cidr, type IpAddress } from './ip-address';

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

type Rule = [Cidr, AddressClass | 'embedded-v4'];

// IANA's special-purpose registries, reduced to what matters for "may a
// server fetch this": anything not plainly on the public Internet is refused.
const IPV4_RULES: Rule[] = [
  [cidr('0.0.0.0/8'), 'unspecified'], // "this network"; Linux connects 0.0.0.0 to the host itself
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'private'], // carrier-grade NAT, shared address space
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'], // cloud metadata services live here
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'],
  [cidr('192.0.2.0/24'), 'reserved'],
  [cidr('192.88.99.0/24'), 'reserved'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'reserved'],
  [cidr('198.51.100.0/24'), 'reserved'],
  [cidr('203.0.113.0/24'), 'reserved'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'], // and 255.255.255.255
];

const IPV6_RULES: Rule[] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('::ffff:0:0/96'), 'embedded-v4'], // IPv4-mapped
  [cidr('64:ff9b::/96'), 'embedded-v4'], // NAT64: reaches the IPv4 address inside
  [cidr('64:ff9b:1::/48'), 'private'], // local-use NAT64
  [cidr('::/96'), 'reserved'], // deprecated IPv4-compatible
  [cidr('100::/64'), 'reserved'], // discard-only
  [cidr('2001:db8::/32'), 'reserved'], // documentation
  [cidr('2001::/23'), 'reserved'], // protocol assignments, Teredo (tunnels to a hidden IPv4) included
  [cidr('2002::/16'), 'embedded-v4'], // 6to4: reaches the IPv4 address inside
  [cidr('3fff::/20'), 'reserved'], // documentation
  [cidr('fc00::/7'), 'unique-local'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'private'], // deprecated site-local
  [cidr('ff00::/8'), 'multicast'],
];

// Only 2000::/3 is allocated for global unicast; the rest of the space is not public.
const IPV6_GLOBAL_UNICAST = cidr('2000::/3');

/** The IPv4 address a mapped, NAT64 or 6to4 address reaches. */
function embeddedIpv4(ip: IpAddress): IpAddress {
  const start = ip.bytes[0] === 0x20 && ip.bytes[1] === 0x02 ? 2 : 12;
  return { family: 4, bytes: ip.bytes.slice(start, start + 4) };
}

function classify(ip: IpAddress): AddressClass {
  const rules = ip.family === 4 ? IPV4_RULES : IPV6_RULES;
  for (const [range, kind] of rules) {
    if (!inCidr(ip, range)) continue;
    return kind === 'embedded-v4' ? classify(embeddedIpv4(ip)) : kind;
  }
  if (ip.family === 6 && !inCidr(ip, IPV6_GLOBAL_UNICAST)) return 'reserved';
  return 'public';
}

/**
 * Where an IP address leads: only `public` ones may be fetched without the
 * operator's say-so. Throws on text that is not an IP address.
 */
export function classifyAddress(address: string): AddressClass {
  const ip = parseIp(address);
  if (!ip) throw new TypeError(`"${address}" is not an IP address`);
  return classify(ip);
}
