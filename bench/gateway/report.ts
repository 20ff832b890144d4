// Turns the benchmark's rounds into the markdown tables that go into docs/benchmarks.md.
import type { PhaseResult } from './loadgen.ts';
import { type LatencySummary, ms, summarize } from './stats.ts';

export type Target = 'direct' | 'floor' | 'beelab' | 'beelabTsx' | 'portkey';
export const TARGETS: Target[] = ['direct', 'floor', 'beelab', 'beelabTsx', 'portkey'];
/** The targets that are proxies (everything but the upstream itself). */
export type ProxyTarget = Exclude<Target, 'direct'>;
export const PROXIES: ProxyTarget[] = ['floor', 'beelab', 'beelabTsx', 'portkey'];
const NAME: Record<Target, string> = {
  direct: 'direct',
  floor: 'minimal node:http proxy',
  beelab: 'Beelab gateway (bundle, as deployed)',
  beelabTsx: 'Beelab gateway (CLI under tsx)',
  portkey: 'Portkey gateway 1.15.2',
};

/** Everything the run measured. */
export interface RunData {
  rate: number;
  streamRate: number;
  plainRounds: Record<Target, PhaseResult[]>;
  streamRounds: Record<Target, PhaseResult[]>;
  maxRps: Record<Target, { rate: number; achieved: number }>;
  ladderTop: number;
  rss: Record<ProxyTarget, { idle: number; peak: number }>;
  cpuUsPerRequest: Record<ProxyTarget | 'upstream', number>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const pooled = (rs: PhaseResult[], ttft = false): LatencySummary =>
  summarize(rs.flatMap((r) => (ttft ? (r.ttftSamples ?? []) : r.samples)));

const roundStat = (r: PhaseResult, ttft: boolean, q: 'p50' | 'p99'): number =>
  (ttft ? r.ttft! : r.latency)[q];

/**
 * Added latency: in each round the gateway ran right after `direct`, so the difference of the two
 * rounds' percentiles cancels most background noise; the median over rounds is reported.
 */
function added(data: RunData, t: Target, ttft: boolean, q: 'p50' | 'p99'): number {
  const rounds = ttft ? data.streamRounds : data.plainRounds;
  return median(rounds[t].map((r, i) => roundStat(r, ttft, q) - roundStat(rounds.direct[i]!, ttft, q)));
}

export function report(d: RunData): string[] {
  const out: string[] = [];
  const max = (t: Target) => `${d.maxRps[t].rate === d.ladderTop ? '≥ ' : ''}${d.maxRps[t].rate}`;
  out.push(
    `| through | added p50 ms | added p99 ms | added TTFT p50 ms | added TTFT p99 ms | max sustained rps | RSS idle MB | RSS peak MB | CPU µs/request |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of PROXIES) {
    out.push(
      `| ${NAME[t]} | ${ms(added(d, t, false, 'p50'))} | ${ms(added(d, t, false, 'p99'))} | ${ms(added(d, t, true, 'p50'))} | ${ms(added(d, t, true, 'p99'))} | ${max(t)} | ${d.rss[t].idle.toFixed(0)} | ${d.rss[t].peak.toFixed(0)} | ${d.cpuUsPerRequest[t].toFixed(0)} |`,
    );
  }
  out.push(
    `| direct (upstream alone) | | | | | ${max('direct')} | | | ${d.cpuUsPerRequest.upstream.toFixed(0)} |`,
    '',
    `Latency in ms, non-streaming at ${d.rate} rps (${d.plainRounds.direct.length} rounds; "typical" = median of the rounds' values, "pooled" = all samples together):`,
    '',
    '| target | n | errors | p50 | typical p99 | pooled p90 | pooled p99 | pooled max | generator max lag |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of TARGETS) {
    const rs = d.plainRounds[t];
    const p = pooled(rs);
    out.push(
      `| ${NAME[t]} | ${p.n} | ${rs.reduce((n, r) => n + r.errors, 0)} | ${ms(p.p50)} | ${ms(median(rs.map((r) => r.latency.p99)))} | ${ms(p.p90)} | ${ms(p.p99)} | ${ms(p.max)} | ${ms(Math.max(...rs.map((r) => r.maxLagUs)))} |`,
    );
  }
  out.push(
    '',
    `Time to the first \`data:\` event in ms, streaming at ${d.streamRate} rps (8 events + usage chunk + [DONE]):`,
    '',
    '| target | n | errors | TTFT p50 | typical TTFT p99 | pooled TTFT p99 | whole stream p50 |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const t of TARGETS) {
    const rs = d.streamRounds[t];
    const f = pooled(rs, true);
    out.push(
      `| ${NAME[t]} | ${f.n} | ${rs.reduce((n, r) => n + r.errors, 0)} | ${ms(f.p50)} | ${ms(median(rs.map((r) => r.ttft!.p99)))} | ${ms(f.p99)} | ${ms(pooled(rs).p50)} |`,
    );
  }
  return out;
}
