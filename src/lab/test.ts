// `lab test`: the policy matrix, DHCP and DNS, checked for real against a running lab.

import type { Progress } from '../kernel/progress.ts';
import { checkDhcp } from './check-dhcp.ts';
import { checkDns } from './check-dns.ts';
import { checkMatrix } from './check-matrix.ts';
import type { LabContext } from './context.ts';
import type { LabReport } from './report.ts';

/** `progress` counts each namespace's probes, DNS and DHCP. */
export async function labTest(ctx: LabContext, progress?: Progress): Promise<LabReport> {
  const start = performance.now();
  progress?.addTotal(2);
  const phase = async <T extends { ok: boolean }>(name: string, run: () => Promise<T[]>): Promise<T[]> => {
    progress?.start(name);
    const out = await run();
    const bad = out.filter((o) => !o.ok).length;
    progress?.done(name, `${out.length} checks${bad ? `, ${bad} failed` : ''}`);
    return out;
  };
  // DNS overlaps with the matrix (which mostly waits on timeouts). DHCP comes last: fixed leases are asked
  // for with the hosts' own MACs, which must not disturb the router's neighbours while probes run.
  const [matrix, dns] = await Promise.all([checkMatrix(ctx, progress), phase('DNS', () => checkDns(ctx))]);
  const dhcp = await phase('DHCP', () => checkDhcp(ctx));
  const ok = matrix.every((o) => o.ok) && dhcp.every((d) => d.ok) && dns.every((d) => d.ok);
  return { id: ctx.plan.id, matrix, dhcp, dns, ms: Math.round(performance.now() - start), ok };
}
