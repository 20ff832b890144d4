// DHCP through the router's dnsmasq: a pool lease in every DHCP VLAN and the fixed lease of every host with a MAC.
import { join } from 'node:path';
import { ipToInt as ipv4Number } from '../net/ipam.ts';
import type { LabContext } from './context.ts';
import type { DhcpProbe } from './plan.ts';
import { nsRun } from './system.ts';

export interface DhcpOutcome {
  probe: DhcpProbe;
  ok: boolean;
  lease?: { address: string; router: string; dns: string };
  problem?: string;
}

function inRange(a: string, [lo, hi]: [string, string]): boolean {
  const n = ipv4Number(a);
  return n >= ipv4Number(lo) && n <= ipv4Number(hi);
}

async function one(ctx: LabContext, p: DhcpProbe): Promise<DhcpOutcome> {
  // busybox udhcpc: foreground, quit on lease or after 4 tries; the script only prints the lease. -B asks
  // for broadcast replies: a unicast reply makes dnsmasq point the router's ARP entry for a fixed address
  // at this probe, away from the host that really has it.
  const argv = ['busybox', 'udhcpc', '-i', p.iface, '-f', '-q', '-n', '-B', '-t', '4', '-T', '1'];
  argv.push('-s', join(ctx.dir, 'udhcpc.sh'));
  let out: string;
  try {
    out = await nsRun(ctx.plan.names.dhcp, argv, 20_000);
  } catch (err) {
    return { probe: p, ok: false, problem: `no lease: ${(err as Error).message.split('\n')[0]}` };
  }
  const m = /^lease (\S+) (\S*) (.*)$/m.exec(out);
  if (!m) return { probe: p, ok: false, problem: `no lease in udhcpc output: ${out.trim()}` };
  const lease = { address: m[1]!, router: m[2]!, dns: m[3]!.trim() };
  const problems: string[] = [];
  if (p.expect.kind === 'pool' && !inRange(lease.address, p.expect.range)) {
    problems.push(`address ${lease.address} outside the pool ${p.expect.range.join('-')}`);
  }
  if (p.expect.kind === 'fixed' && lease.address !== p.expect.address) {
    problems.push(`address ${lease.address}, expected the fixed ${p.expect.address} of ${p.expect.host}`);
  }
  if (lease.router !== p.gateway) problems.push(`router ${lease.router}, expected ${p.gateway}`);
  if (!lease.dns.split(' ').includes(p.gateway)) problems.push(`DNS ${lease.dns}, expected ${p.gateway}`);
  return { probe: p, ok: problems.length === 0, lease, problem: problems.join('; ') || undefined };
}

export function checkDhcp(ctx: LabContext): Promise<DhcpOutcome[]> {
  return Promise.all(ctx.plan.dhcp.map((p) => one(ctx, p)));
}
