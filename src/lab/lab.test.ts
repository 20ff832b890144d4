// The lab end to end (root): reference, compact and single builds pass for real, a broken ruleset is caught, nothing is left behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS, needTool } from '../../test/support/tools.ts';
import { loadProject } from '../project/load.ts';
import { checkMatrix } from './check-matrix.ts';
import { labDown } from './down.ts';
import { newRunId } from './names.ts';
import { formatMatrix, formatReport } from './report.ts';
import { runDir } from './state.ts';
import { labNamespaces, nsRun } from './system.ts';
import { labTest } from './test.ts';
import { labUp } from './up.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = (name: string) => `${repo}examples/${name}`;

function canRun(): boolean {
  return canRunLab('lab e2e', [
    ...LAB_TOOLS,
    ['busybox', 'apt-get install busybox'],
    ['ping', 'apt-get install iputils-ping'],
  ]);
}

async function upAndTest(dir: string) {
  const { site } = await loadProject(dir);
  const id = newRunId();
  try {
    const ctx = await labUp(site, { id, mode: 'veth', siteDir: dir });
    // Nothing of the lab in the machine's own namespace: no link into it, none of its addresses.
    const hostLinks = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    expect(hostLinks).not.toContain(`bllab-${id}`);
    const hostAddrs = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout;
    for (const v of ctx.plan.vlans) expect(hostAddrs).not.toContain(` ${v.probeAddress}/`);
    return { site, ctx, report: await labTest(ctx) };
  } finally {
    await labDown(id);
    expect(await labNamespaces(id)).toEqual([]);
    expect(existsSync(runDir(id))).toBe(false);
  }
}

// A lab run takes a few seconds; on a machine shared with the rest of the suite, give it room.
const SLOW = { timeout: 120_000 };

describe('lab (root)', () => {
  it('reference build: every cell of the policy, DHCP and DNS as the policy says', SLOW, async () => {
    if (!canRun()) return;
    const { site, report } = await upAndTest(example('reference'));
    const bad = report.matrix.filter((o) => !o.ok).map((o) => o.problem);
    expect(bad).toEqual([]);
    expect(report.dhcp.filter((d) => !d.ok)).toEqual([]);
    expect(report.dns.filter((d) => !d.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    // Both outcomes are exercised from every VLAN (management may reach everything), and every DHCP VLAN
    // handed out a pool lease.
    for (const v of site.vlans) {
      const actions = new Set(
        report.matrix.filter((o) => o.probe.from === v.name).map((o) => o.probe.expect.action),
      );
      expect([...actions].sort(), v.name).toEqual(v.purpose === 'management' ? ['pass'] : ['block', 'pass']);
    }
    const pools = report.dhcp.filter((d) => d.probe.expect.kind === 'pool').map((d) => d.probe.zone);
    expect(pools).toEqual(site.vlans.filter((v) => v.dhcp && v.dhcpRange).map((v) => v.name));
    const text = formatReport(
      report,
      site.vlans.map((v) => v.name),
    );
    expect(text).toMatch(/^from \\ to +mgmt/);
    expect(text.replace(/^cell: .*$/m, '')).not.toContain('FAIL');
    expect(text).toContain('all as the policy says');
  });

  it.each(['compact', 'single'])('%s build: passes too', SLOW, async (name) => {
    if (!canRun()) return;
    const { report } = await upAndTest(example(name));
    expect(report.matrix.filter((o) => !o.ok).map((o) => o.problem)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('catches a ruleset that differs from the policy: a missing allow and an open hole', SLOW, async () => {
    if (!canRun()) return;
    const dir = example('reference');
    const { site } = await loadProject(dir);
    const id = newRunId();
    try {
      const ctx = await labUp(site, { id, mode: 'veth', siteDir: dir });
      const lines = ctx.router.nftables.split('\n');
      const removed = lines.findIndex((l) => l.includes('comment "flow/'));
      const ruleId = /comment "([^"]+)"/.exec(lines[removed]!)![1]!;
      lines.splice(removed, 1);
      const hole = lines.findIndex((l) => /^ {2}chain fwd_security \{$/.test(l));
      lines.splice(hole + 1, 0, '    accept');
      const file = `${ctx.dir}/broken.nft`;
      writeFileSync(file, lines.join('\n'));
      await nsRun(ctx.plan.names.router, ['nft', '-f', file]);
      const matrix = await checkMatrix(ctx);
      const failed = matrix.filter((o) => !o.ok);
      const text = formatMatrix(
        matrix,
        site.vlans.map((v) => v.name),
      );
      expect(text).toMatch(/^security .*FAIL/m);
      expect(failed.some((o) => o.probe.expect.rule === ruleId && !o.result.connected)).toBe(true);
      expect(
        failed.some((o) => o.probe.from === 'security' && o.probe.to !== 'internet' && o.result.connected),
      ).toBe(true);
    } finally {
      await labDown(id);
    }
  });

  it('Ctrl-C during `lab test` removes the lab and exits 130', SLOW, async () => {
    if (!canRun()) return;
    const child = spawn(process.execPath, [`${repo}bin/beelab.mjs`, 'lab', 'test', example('compact')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let id = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        id ||= /lab ([0-9a-f]{6}):/.exec(out)?.[1] ?? '';
        if (out.includes('router up')) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(id).toMatch(/^[0-9a-f]{6}$/);
    expect(code).toBe(130);
    expect(await labNamespaces(id)).toEqual([]);
    expect(existsSync(runDir(id))).toBe(false);
  });

  it('without root: a clear error, exit 2', SLOW, () => {
    if (!canRun() || !needTool('setpriv', 'apt-get install util-linux')) return;
    const r = spawnSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        `${repo}bin/beelab.mjs`,
        'lab',
        'test',
        example('compact'),
      ],
      { encoding: 'utf8', cwd: '/' },
    );
    expect(r.stderr).toContain('the lab needs root');
    expect(r.status).toBe(2);
  });
});
