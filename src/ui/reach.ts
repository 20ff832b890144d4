// Whether the site's addresses are reachable from this machine, decided without sending a packet: one of
// this machine's addresses, or a route that is not the default one, must lie in a VLAN of the site.
// Elsewhere the dashboard says "not reachable from here" instead of probing private addresses blindly.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { inCidr, overlaps, parseCidr } from '../net/ipam.ts';
import type { Site } from '../site/types.ts';

export interface Reach {
  reachable: boolean;
  /** One line for the banner: why (not). */
  why: string;
}

/** /proc/net/route's destinations and masks (little-endian hex), as CIDR strings; none off Linux. */
export function kernelRoutes(text?: string): string[] {
  let body = text;
  if (body === undefined) {
    try {
      body = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return [];
    }
  }
  const ip = (hex: string) => {
    const n = Number.parseInt(hex, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  };
  const out: string[] = [];
  for (const line of body.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const mask = Number.parseInt(f[7]!, 16);
    const prefix = mask
      .toString(2)
      .split('')
      .filter((b) => b === '1').length;
    if (prefix === 0) continue; // the default route says nothing about the lab
    out.push(`${ip(f[1]!)}/${prefix}`);
  }
  return out;
}

function overlapping(a: string, b: string): boolean {
  const na = parseCidr(a);
  const nb = parseCidr(b);
  return na !== undefined && nb !== undefined && overlaps(na, nb);
}

export function reachFromHere(
  site: Site,
  addresses: string[] = Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && i.family === 'IPv4' && !i.internal ? [i.address] : [])),
  routes: string[] = kernelRoutes(),
): Reach {
  for (const v of site.vlans) {
    const mine = addresses.find((a) => inCidr(a, v.cidr));
    if (mine) return { reachable: true, why: `this machine is ${mine} on VLAN ${v.name} (${v.cidr})` };
  }
  for (const v of site.vlans) {
    const route = routes.find((r) => overlapping(r, v.cidr));
    if (route) return { reachable: true, why: `route ${route} covers VLAN ${v.name} (${v.cidr})` };
  }
  return {
    reachable: false,
    why: `not reachable from here: no address or route of this machine is in ${site.supernet}. Run beelab ui on a machine in the lab's network, or give --targets FILE.`,
  };
}
