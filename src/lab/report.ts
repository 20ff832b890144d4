// Prints the results of `lab test`: the policy matrix with pass/fail per cell, then every failure.
import type { DhcpOutcome } from './check-dhcp.ts';
import type { DnsOutcome } from './check-dns.ts';
import type { ProbeOutcome } from './check-matrix.ts';

export interface LabReport {
  id: string;
  matrix: ProbeOutcome[];
  dhcp: DhcpOutcome[];
  dns: DnsOutcome[];
  /** Wall time of the checks. */
  ms: number;
  ok: boolean;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function probeLine(o: ProbeOutcome): string {
  const p = o.probe;
  const what = p.proto === 'icmp' ? 'icmp echo' : `${p.proto}/${p.port}`;
  return `${p.from} ${p.srcName} ${p.src} -> ${p.to} ${p.dstName} ${p.dst} ${what}: ${o.problem}`;
}

/** Rows: the zone traffic enters from; columns: where it goes. A cell: allowed/probed, ok or FAIL. */
export function formatMatrix(outcomes: ProbeOutcome[], zones: string[]): string {
  const rows = [...zones, 'wan'];
  const cols = [...zones, 'firewall', 'internet'];
  const cells = new Map<string, { total: number; allowed: number; failed: number }>();
  for (const o of outcomes) {
    const k = `${o.probe.from}>${o.probe.to}`;
    const c = cells.get(k) ?? { total: 0, allowed: 0, failed: 0 };
    c.total += 1;
    if (o.probe.expect.action === 'pass') c.allowed += 1;
    if (!o.ok) c.failed += 1;
    cells.set(k, c);
  }
  const w = Math.max(12, ...cols.map((c) => c.length + 2));
  const first = Math.max(10, ...rows.map((r) => r.length + 2));
  const lines = [pad('from \\ to', first) + cols.map((c) => pad(c, w)).join('')];
  for (const r of rows) {
    let line = pad(r, first);
    for (const c of cols) {
      const cell = cells.get(`${r}>${c}`);
      const text = !cell
        ? r === c
          ? '(switched)'
          : '-'
        : `${cell.failed ? 'FAIL' : 'ok'} ${cell.allowed}/${cell.total}`;
      line += pad(text, w);
    }
    lines.push(line.trimEnd());
  }
  lines.push('cell: ok|FAIL allowed/probed; every probe is a real connection, blocked ones must fail');
  return lines.join('\n');
}

export function formatReport(r: LabReport, zones: string[]): string {
  const out: string[] = [formatMatrix(r.matrix, zones), ''];
  const badProbes = r.matrix.filter((o) => !o.ok);
  for (const o of badProbes) out.push(`FAIL ${probeLine(o)}`);
  for (const d of r.dhcp) {
    const what =
      d.probe.expect.kind === 'pool'
        ? `pool ${d.probe.expect.range.join('-')}`
        : `fixed ${d.probe.expect.host}`;
    out.push(
      `${d.ok ? 'ok  ' : 'FAIL'} DHCP ${d.probe.zone} ${what}: ${d.ok ? `lease ${d.lease?.address}` : d.problem}`,
    );
  }
  const byZone = new Map<string, DnsOutcome[]>();
  for (const d of r.dns) byZone.set(d.zone, [...(byZone.get(d.zone) ?? []), d]);
  for (const [zone, list] of byZone) {
    const bad = list.filter((d) => !d.ok);
    out.push(
      `${bad.length ? 'FAIL' : 'ok  '} DNS from ${zone}: ${list.length - bad.length}/${list.length} answers right`,
    );
    for (const d of bad) out.push(`FAIL   ${d.name}: ${d.problem}`);
  }
  const failed = badProbes.length + r.dhcp.filter((d) => !d.ok).length + r.dns.filter((d) => !d.ok).length;
  out.push(
    '',
    `lab ${r.id}: ${r.matrix.length} probes, ${r.dhcp.length} DHCP leases, ${r.dns.length} DNS answers in ${(r.ms / 1000).toFixed(1)} s: ${
      failed === 0 ? 'all as the policy says' : `${failed} FAILED`
    }`,
  );
  return out.join('\n');
}
