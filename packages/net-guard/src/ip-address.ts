/**
 * IP addresses as bytes (4 for IPv4, 16 for IPv6) and CIDR blocks over them:
 * the little the address checks need, without trusting any platform parser's
 * leniency (octal parts, short forms).
 */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): Uint8Array | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const parts = match.slice(1).map(Number);
  // A leading zero reads as octal to some resolvers: refuse the ambiguity.
  if (parts.some((p, i) => p > 255 || (match[i + 1]!.length > 1 && match[i + 1]!.startsWith('0'))))
    return null;
  return Uint8Array.from(parts);
}

function parseIpv6(text: string): Uint8Array | null {
  let hex = text;
  // A dotted IPv4 may end it (`::ffff:10.0.0.1`): rewrite it as the two groups it stands for.
  const lastColon = hex.lastIndexOf(':');
  if (hex.includes('.', lastColon)) {
    const v4 = parseIpv4(hex.slice(lastColon + 1));
    if (!v4) return null;
    const group = (a: number, b: number) => ((a << 8) | b).toString(16);
    hex = `${hex.slice(0, lastColon + 1)}${group(v4[0]!, v4[1]!)}:${group(v4[2]!, v4[3]!)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const back = halves.length === 2 ? groups(halves[1]!) : [];
  const given = head.length + back.length;
  // Without `::` all eight groups are written; with it, it stands for at least one.
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const all = [...head, ...Array<string>(8 - given).fill('0'), ...back];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const value = parseInt(g, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return Uint8Array.from(bytes);
}

/** Parses a literal IPv4 or IPv6 address (a `%zone` suffix is dropped); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4) return { family: 4, bytes: v4 };
  if (!text.includes(':')) return null;
  const v6 = parseIpv6(text.replace(/%[^%]*$/, ''));
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** `10.0.0.0/8`, `fc00::/7`; a bare address is its own /32 or /128. Null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || address === undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const max = ip.bytes.length * 8;
  if (prefixText === undefined) return { ...ip, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { ...ip, prefix } : null;
}

export function inCidr(ip: IpAddress, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}

/** A CIDR from a literal known to be good (the tables of special ranges). */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad CIDR literal ${text}`);
  return parsed;
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as the IPv4 address it is; anything else as it is. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  return ip.family === 6 && inCidr(ip, IPV4_MAPPED) ? { family: 4, bytes: ip.bytes.slice(12) } : ip;
}

const IPV4_MAPPED = cidr('::ffff:0:0/96');

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return groups.join(':');
}
