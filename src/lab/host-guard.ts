// A lab machine that runs the base role's nftables host firewall adds a second gate behind the site firewall:
// the lab's expectation for a probe to it is "the site passes it AND the host admits it".
import { execa } from 'execa';
import { type HostAllow, hostFirewall } from '../layers/physical/host-firewall.ts';
import { inCidr } from '../net/ipam.ts';
import type { LabContext } from './context.ts';
import type { PlannedProbe } from './probes.ts';

/** The table the base role loads (roles/base/templates/nftables.conf.j2). */
export const HOST_TABLE = 'beelab_host';

export interface HostGuard {
  /** Host name. */
  host: string;
  rules: HostAllow[];
  /** Sources that may ping it (the role's default: the site's supernet). */
  icmpFrom: string[];
}

/** Machines whose namespace holds the host table now, by address, with the rules the role renders for them. */
export async function hostGuards(ctx: LabContext): Promise<Map<string, HostGuard>> {
  const out = new Map<string, HostGuard>();
  for (const m of ctx.plan.machines) {
    const r = await execa('ip', ['netns', 'exec', m.netns, 'nft', 'list', 'table', 'inet', HOST_TABLE], {
      reject: false,
    });
    if (r.exitCode !== 0) continue;
    const host = ctx.site.hosts.find((h) => h.name === m.host);
    if (!host) continue;
    out.set(m.address, {
      host: host.name,
      rules: hostFirewall(ctx.site, host),
      icmpFrom: [ctx.site.supernet],
    });
  }
  return out;
}

const within = (src: string, from: readonly string[]) =>
  from.some((f) => (f.includes('/') ? inCidr(src, f) : f === src));

/** Whether the host's table admits the probe (new connections; replies are admitted by state). */
export function hostAdmits(g: HostGuard, p: Pick<PlannedProbe, 'src' | 'proto' | 'port'>): boolean {
  if (p.proto === 'icmp') return within(p.src, g.icmpFrom);
  return g.rules.some(
    (r) =>
      r.proto === p.proto &&
      p.port !== null &&
      r.ports.includes(p.port) &&
      (r.from.length === 0 || within(p.src, r.from)),
  );
}
