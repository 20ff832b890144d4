// Runs every planned probe through the agents and judges it against the policy's prediction.

import type { Progress } from '../kernel/progress.ts';
import { ask } from './agent/client.ts';
import type { ProbeResult } from './agent/protocol.ts';
import type { LabContext } from './context.ts';
import { type HostGuard, hostAdmits, hostGuards } from './host-guard.ts';
import { LAB_WAN } from './names.ts';
import { type PlannedProbe, planProbes } from './probes.ts';

/** In-flight connection attempts per agent; a denied probe holds its slot for the whole timeout. */
export const PROBE_CONCURRENCY = 512;

export interface ProbeOutcome {
  probe: PlannedProbe;
  result: ProbeResult;
  ok: boolean;
  /** Why it failed, for the report. */
  problem?: string;
}

/**
 * `machines`: addresses of booted machines. They answer TCP themselves, so a refusal from one means the
 * packet reached it (the site firewall drops, it never rejects): reached for an allowed flow, a hole for a
 * blocked one.
 */
function judge(p: PlannedProbe, r: ProbeResult, machines: ReadonlySet<string>): ProbeOutcome {
  const want = p.expect.action === 'pass';
  const refusedByHost = p.proto === 'tcp' && r.error === 'ECONNREFUSED' && machines.has(p.dst);
  if (refusedByHost)
    return want
      ? { probe: p, result: r, ok: true }
      : {
          probe: p,
          result: r,
          ok: false,
          problem: `should be blocked (${p.expect.rule ?? 'default drop'}) but the machine refused it: it got through`,
        };
  if (want && !r.connected)
    return { probe: p, result: r, ok: false, problem: `should connect (${p.expect.rule}) but ${r.error}` };
  if (!want && r.connected) {
    return {
      probe: p,
      result: r,
      ok: false,
      problem: `should be blocked (${p.expect.rule ?? 'default drop'}) but connected`,
    };
  }
  if (r.connected && r.peer !== undefined) {
    // Inside the site addresses are real end to end; towards the internet the router masquerades.
    const seen = p.to === 'internet' ? LAB_WAN.router : p.src;
    if (r.peer !== seen)
      return { probe: p, result: r, ok: false, problem: `listener saw source ${r.peer}, expected ${seen}` };
  }
  return { probe: p, result: r, ok: true };
}

/** A probe the site passes to a machine whose host firewall does not admit it: expected blocked, by the host. */
function behindHost(p: PlannedProbe, guards: ReadonlyMap<string, HostGuard>): PlannedProbe {
  const g = guards.get(p.dst);
  if (!g || p.expect.action !== 'pass' || hostAdmits(g, p)) return p;
  return { ...p, expect: { action: 'block', rule: `host firewall of ${g.host} (no flow ends there)` } };
}

/** A second, slower try for allowed connections that failed: a loaded machine is not a closed port. */
export const RETRY_TIMEOUT_MS = 3000;

async function runOn(
  ctx: LabContext,
  probes: PlannedProbe[],
  timeoutMs?: number,
  progress?: Progress,
): Promise<ProbeOutcome[]> {
  const machines = new Set(ctx.plan.machines.map((m) => m.address));
  const byNs = new Map<string, PlannedProbe[]>();
  for (const p of probes) byNs.set(p.netns, [...(byNs.get(p.netns) ?? []), p]);
  const outcomes = await Promise.all(
    [...byNs].map(async ([netns, list]) => {
      const socket = ctx.sockets.get(netns);
      if (!socket) throw new Error(`no agent in ${netns}`);
      progress?.start(netns);
      const wire = list.map(({ id, src, dst, proto, port, timeoutMs: t }) => ({
        id,
        src,
        dst,
        proto,
        port,
        timeoutMs: timeoutMs ?? t,
        ...(proto === 'tcp' && machines.has(dst) ? { handshake: true } : {}),
      }));
      const res = await ask<'probe'>(
        socket,
        { op: 'probe', probes: wire, concurrency: PROBE_CONCURRENCY },
        120_000,
      );
      const byId = new Map(res.results.map((r) => [r.id, r]));
      const judged = list.map((p) =>
        judge(p, byId.get(p.id) ?? { id: p.id, connected: false, error: 'no result', ms: 0 }, machines),
      );
      // a blocked probe that connected is a hole at once; one that should connect and did not is tried again
      const holes = judged.filter((o) => !o.ok && o.result.connected).length;
      const again = judged.filter((o) => !o.ok && !o.result.connected).length;
      const notes = [holes ? `${holes} connected that must not` : '', again ? `${again} to try again` : ''];
      progress?.done(netns, [`${list.length} probes`, ...notes.filter(Boolean)].join(', '));
      return judged;
    }),
  );
  return outcomes.flat();
}

/**
 * Every planned probe, judged. Only "should connect but did not" is tried again, once and slower; a blocked
 * probe that connected is never retried: one connection is proof of a hole.
 */
export async function checkMatrix(ctx: LabContext, progress?: Progress): Promise<ProbeOutcome[]> {
  const guards = await hostGuards(ctx);
  const probes = planProbes(ctx.plan, ctx.router, ctx.listeners).map((p) => behindHost(p, guards));
  const namespaces = new Set(probes.map((p) => p.netns)).size;
  progress?.addTotal(namespaces);
  progress?.note(`policy matrix: ${probes.length} probes from ${namespaces} namespaces`);
  const first = await runOn(ctx, probes, undefined, progress);
  const retry = first.filter((o) => !o.ok && !o.result.connected).map((o) => o.probe);
  if (retry.length > 0) progress?.note(`policy matrix: ${retry.length} probes again, slower`);
  const again = new Map((await runOn(ctx, retry, RETRY_TIMEOUT_MS)).map((o) => [o.probe.id, o]));
  return first.map((o) => again.get(o.probe.id) ?? o).sort((a, b) => a.probe.id - b.probe.id);
}
