// Name resolution through the router: every name under the site domain, asked from every VLAN, at its gateway.
import { ask } from './agent/client.ts';
import type { LabContext } from './context.ts';

export interface DnsOutcome {
  zone: string;
  name: string;
  expected: string[];
  got: string[];
  ok: boolean;
  problem?: string;
}

/** A name that must not exist: the site domain is answered locally, never forwarded. */
export const MISSING_NAME = 'no-such-host-beelab-lab';

export async function checkDns(ctx: LabContext): Promise<DnsOutcome[]> {
  const { records, domain } = ctx.router.addressing;
  const expected = new Map(records.map((r) => [`${r.name}.${r.domain}`, [r.address]]));
  expected.set(`${MISSING_NAME}.${domain}`, []);
  const per = await Promise.all(
    ctx.plan.vlans.map(async (v) => {
      const res = await ask<'resolve'>(
        ctx.sockets.get(v.netns)!,
        {
          op: 'resolve',
          server: v.gateway,
          local: v.probeAddress,
          names: [...expected.keys()],
          timeoutMs: 2000,
        },
        60_000,
      );
      return res.answers.map((a): DnsOutcome => {
        const want = expected.get(a.name) ?? [];
        const ok = want.length === 0 ? a.error === 'ENOTFOUND' : a.addresses.join() === want.join();
        const problem = ok
          ? undefined
          : want.length === 0
            ? `should not resolve, got ${a.addresses.join(',') || a.error}`
            : `expected ${want.join(',')}, got ${a.addresses.join(',') || a.error}`;
        return { zone: v.zone, name: a.name, expected: want, got: a.addresses, ok, problem };
      });
    }),
  );
  return per.flat();
}
