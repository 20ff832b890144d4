// The runbooks: one per failure scenario, with the site's real hosts, addresses, drives and files; the failure
// modes matrix links each one, and what it calls drilled is a host the lab can really kill and rebuild.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { notEmulable } from '../../../lab/machines/select.ts';
import { renderSite } from '../../../project/render-site.ts';
import { FAILURE_SCENARIOS, runbookPath } from '../failure-scenarios.ts';
import { FAILURE_MODES_DOC, renderRunbooks, siteRunbooks } from './render.ts';

const EXAMPLES = ['reference', 'compact', 'single'] as const;

describe.each(EXAMPLES)('%s', (name) => {
  const site = exampleSite(name);
  const files = renderSite(site);
  const text = (p: string) => files.get(p)?.content ?? '';

  it('has one runbook per failure scenario, each linked from docs/failure-modes.md, every link resolving', () => {
    for (const s of FAILURE_SCENARIOS) expect(files.has(runbookPath(s.slug)), s.slug).toBe(true);
    const modes = text(FAILURE_MODES_DOC);
    const links = [...modes.matchAll(/\]\((runbooks\/[^)]+)\)/g)].map((m) => `docs/${m[1]}`);
    expect(links).toEqual(FAILURE_SCENARIOS.map((s) => runbookPath(s.slug)));
    for (const s of FAILURE_SCENARIOS) {
      const md = text(runbookPath(s.slug));
      expect(md).toContain(`# ${s.title}`);
      expect(md).toContain('](../failure-modes.md)');
    }
    // The watchdog page's link to its runbook resolves too.
    if (files.has('docs/watchdog.md'))
      expect(text('docs/watchdog.md')).toContain('](runbooks/watchdog-down.md)');
  });

  it('names the real machines: every host address, every pool and backup drive by id, the primary system disk', () => {
    const hostDown = text(runbookPath('host-down'));
    for (const h of site.hosts.filter((x) => !x.roles.includes('smart_plug')))
      expect(hostDown).toContain(`\`${h.address}\``);
    const pool = text(runbookPath('pool-disk-failed'));
    for (const h of site.hosts)
      for (const d of h.drives.filter((x) => x.role === 'pool' || x.role === 'backup'))
        expect(pool).toContain(d.id);
    const primary = site.hosts.find((h) => h.roles.includes('pve_primary'))!;
    const system = primary.drives.find((d) => d.role === 'system')!;
    expect(text(runbookPath('primary-disk-failed'))).toContain(system.id);
    // The clone and its way back: the recovery drive by id and the rendered Clonezilla scripts.
    const recovery = primary.drives.find((d) => d.role === 'recovery');
    const runbook = text(runbookPath('primary-disk-failed'));
    if (recovery) {
      expect(runbook).toContain(recovery.id);
      expect(runbook).toContain(`/run/live/medium/beelab/restore-${primary.name}.sh`);
      expect(files.has(`backup/clonezilla/restore-${primary.name}.sh`)).toBe(true);
    } else expect(runbook).toContain('No recovery drive in beelab.yaml');
    expect(pool).toContain(`zpool replace ${site.storage.pool} `);
  });

  it('the firewall runbook restores the file this site renders for its platform', () => {
    const fw = text(runbookPath('firewall-down'));
    const file = fw.match(/`(network\/[^`]+)`/)?.[1];
    expect(file, fw).toBeDefined();
    expect(
      files.entries().some(([p]) => p === file || p.startsWith(file!)),
      file,
    ).toBe(true);
  });

  it('every `beelab rebuild` names a host of the site; what is drilled is a host the lab can boot and kill', () => {
    const names = new Set(site.hosts.map((h) => h.name));
    for (const rb of siteRunbooks(site)) {
      const all = [rb.automated ?? '', ...rb.sections].join('\n');
      for (const m of all.matchAll(/beelab rebuild ([a-z0-9][a-z0-9-]*|--all|HOST|NODE|<[a-z]+>)/g))
        expect(names.has(m[1]!) || /^(--all|HOST|NODE|<[a-z]+>)$/.test(m[1]!), `${rb.slug}: ${m[0]}`).toBe(
          true,
        );
      if (rb.drill) {
        const host = rb.drill.split(' ').at(-1)!;
        const h = site.hosts.find((x) => x.name === host);
        expect(h, rb.drill).toBeDefined();
        expect(notEmulable(site, h!)).toBeUndefined();
      }
    }
  });
});

describe('a scenario the site does not have', () => {
  it('says so instead of inventing hosts (single: no AI mesh, no watchdog, no UPS)', () => {
    const files = renderRunbooks(exampleSite('single'));
    expect(files.get(runbookPath('ai-head-down'))!.content).toContain('Does not apply to this site');
    expect(files.get(runbookPath('watchdog-down'))!.content).toContain('Does not apply to this site');
    expect(files.get(runbookPath('power-failure'))!.content).toContain('Without a UPS');
    expect(files.get(FAILURE_MODES_DOC)!.content).toMatch(
      /\| The AI head \(gateway host\) dies \| does not apply \|/,
    );
  });
});

describe('docs/failure-modes.md', () => {
  const site = exampleSite('reference');

  it('has an alert column once the monitoring part names its alerts, and not before', () => {
    const without = renderRunbooks(site).get(FAILURE_MODES_DOC)!.content;
    expect(without).toContain('| scenario | automated | runbook | drilled in the lab |');
    const files = renderRunbooks(site, [
      { name: 'HostDown', scenario: 'host-down' },
      { name: 'ZfsPoolDegraded', scenario: 'pool-disk-failed' },
      { name: 'SmartFailing', scenario: 'pool-disk-failed' },
    ]);
    const withAlerts = files.get(FAILURE_MODES_DOC)!.content;
    expect(withAlerts).toContain('| scenario | alert | automated | runbook | drilled in the lab |');
    expect(withAlerts).toMatch(/\| A disk of a ZFS pool .* \| `ZfsPoolDegraded`, `SmartFailing` \|/);
    expect(withAlerts).toMatch(/\| The firewall dies \| none \|/);
    expect(files.get(runbookPath('host-down'))!.content).toContain('Alert `HostDown`');
  });

  it('counts what is drilled in the lab', () => {
    const md = renderRunbooks(site).get(FAILURE_MODES_DOC)!.content;
    const drilled = siteRunbooks(site).filter((r) => r.drill).length;
    expect(drilled).toBeGreaterThan(0);
    expect(md).toContain(`${drilled} of ${FAILURE_SCENARIOS.length} are drilled in the lab`);
    expect(md.match(/\| yes: /g)?.length).toBe(drilled);
  });

  it('says which alert the lab rehearses end to end, only where the monitoring lab test does', () => {
    const alerts = [{ name: 'HostDown', scenario: 'host-down' as const }];
    const files = renderRunbooks(site, alerts);
    expect(files.get(FAILURE_MODES_DOC)!.content).toContain(
      '| yes: `sudo beelab lab drill host-dies apps`; `HostDown` fired, delivered through Alertmanager and resolved |',
    );
    expect(files.get(runbookPath('host-down'))!.content).toContain('`HostDown` is rehearsed end to end');
    // Without the monitoring part there is no alert to claim.
    expect(renderRunbooks(site).get(FAILURE_MODES_DOC)!.content).not.toContain('through Alertmanager');
    const lab = readFileSync(new URL('../monitoring/monitoring.lab.test.ts', import.meta.url), 'utf8');
    for (const rb of siteRunbooks(site).filter((r) => r.alertDrilled))
      expect(lab).toContain(`x.labels.alertname === '${rb.alertDrilled}'`);
  });
});
