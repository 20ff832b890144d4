// `lab test`: the policy matrix, DHCP and DNS, checked for real against a running lab.
import { checkDhcp } from './check-dhcp.ts';
import { checkDns } from './check-dns.ts';
import { checkMatrix } from './check-matrix.ts';
import type { LabContext } from './context.ts';
import type { LabReport } from './report.ts';

export async function labTest(ctx: LabContext): Promise<LabReport> {
  const start = performance.now();
  // DNS overlaps with the matrix (which mostly waits on timeouts). DHCP comes last: fixed leases are asked
  // for with the hosts' own MACs, which must not disturb the router's neighbours while probes run.
  const [matrix, dns] = await Promise.all([checkMatrix(ctx), checkDns(ctx)]);
  const dhcp = await checkDhcp(ctx);
  const ok = matrix.every((o) => o.ok) && dhcp.every((d) => d.ok) && dns.every((d) => d.ok);
  return { id: ctx.plan.id, matrix, dhcp, dns, ms: Math.round(performance.now() - start), ok };
}
