// IPv4 math for addressing: parsing, containment, overlap and ranges, on top of ipaddr.js.
import ipaddr from 'ipaddr.js';

export interface Net {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
}

export function ipToInt(ip: string): number {
  const bytes = ipaddr.IPv4.parse(ip).toByteArray();
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isValidIp(ip: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(ip);
}

/** Parses a CIDR; returns undefined when invalid. Host bits must be zero. */
export function parseCidr(cidr: string): Net | undefined {
  try {
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const base = ipToInt(addr.toString());
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) return undefined;
    return { base, prefix, size };
  } catch {
    return undefined;
  }
}

export function formatNet(net: Net): string {
  return `${intToIp(net.base)}/${net.prefix}`;
}

/** True when the range is private (RFC 1918). */
export function isPrivate(net: Net): boolean {
  return (
    ipaddr.IPv4.parse(intToIp(net.base)).range() === 'private' &&
    ipaddr.IPv4.parse(intToIp(net.base + net.size - 1)).range() === 'private'
  );
}

export function contains(net: Net, ip: string | number): boolean {
  const n = typeof ip === 'number' ? ip : ipToInt(ip);
  return n >= net.base && n < net.base + net.size;
}

export function containsNet(outer: Net, inner: Net): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function overlaps(a: Net, b: Net): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** The smallest prefix that holds `hosts` usable addresses plus network, broadcast and gateway. */
export function prefixFor(hosts: number): number {
  let prefix = 30;
  while (prefix > 8 && 2 ** (32 - prefix) - 3 < hosts) prefix--;
  return prefix;
}

/** The address at `offset` from the network address. */
export function at(net: Net, offset: number): string {
  return intToIp(net.base + offset);
}

/** True when the address lies inside the CIDR. */
export function inCidr(address: string, cidr: string): boolean {
  const [net, bits] = ipaddr.IPv4.parseCIDR(cidr);
  return ipaddr.IPv4.parse(address).match(net, bits);
}

/** Sorted numerically, duplicates removed. */
export function sortAddresses(addresses: Iterable<string>): string[] {
  return [...new Set(addresses)].sort((a, b) => ipToInt(a) - ipToInt(b));
}

/** The dotted netmask of a prefix length (24 → 255.255.255.0). */
export function netmask(prefix: number): string {
  return ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
}
