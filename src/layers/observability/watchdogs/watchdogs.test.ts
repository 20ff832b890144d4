// The Pi watchdogs from the Site: each watchdog.yaml read by the watchdog's own loader, the thresholds by kind,
// the relay of each target, the self-check, the check validator, the apply step, and the bad-input rules
// (a watchdog that targets itself, a VM, its relay or a host it cannot reach; two watchdogs on one host).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import type { ValidatorContext } from '../../../check/validator.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import type { Site } from '../../../site/types.ts';
import { tierDefaults } from '../../../spec/tiers.ts';
import { parseWatchdogConfig, resolveTargets } from '../../../watchdog/load-config.ts';
import { renderContext, resolveSite } from '../../index.ts';
import { observabilityLayer } from '../index.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { WATCHDOG_METRICS_PORT } from '../site.ts';
import { WATCHDOG_TAG } from './ansible.ts';
import { selfCheckHosts, watchdogConfig } from './config.ts';
import { WATCHDOG_STEP } from './steps.ts';
import { watchdogConfigValidator } from './validator.ts';

function files(site: Site) {
  return observabilityLayer.render!(site, renderContext());
}

/** The rendered config of one Pi, read back by the loader the Pi runs. */
function loaded(site: Site, pi: string) {
  const text = files(site).get(`watchdog/${pi}.yaml`)!.content;
  return resolveTargets(parseWatchdogConfig(text, `watchdog/${pi}.yaml`));
}

describe('reference build: each Pi watchdog.yaml', () => {
  const site = exampleSite('reference');

  it('is accepted by the watchdog loader, with the relay of each target and thresholds by kind', () => {
    const wd1 = loaded(site, 'wd1');
    expect(wd1.map((t) => t.name)).toEqual(['pve1', 'pve2', 'pve3']);
    // One plug, one switch per node, in target order; the plug's address from the Site.
    const plug = site.hosts.find((h) => h.name === 'plug-pve')!;
    expect(wd1.map((t) => t.power)).toEqual(
      [0, 1, 2].map((id) => ({ type: 'shelly-gen2', url: `http://${plug.address}`, id, hold: 15_000 })),
    );
    const wd2 = loaded(site, 'wd2');
    expect(wd2.map((t) => [t.name, t.power?.type === 'gpio' ? t.power.line : -1])).toEqual([
      ['pbs1', 17],
      ['sec1', 18],
    ]);
    // A Proxmox node or backup server imports pools before it answers: a longer grace than the security node.
    const grace = Object.fromEntries([...wd1, ...wd2].map((t) => [t.name, t.policy.bootGrace]));
    expect(grace).toEqual({ pve1: 600_000, pve2: 600_000, pve3: 600_000, pbs1: 600_000, sec1: 300_000 });
    // Probes: ping plus the catalog's health port; healthy while either answers.
    const pve1 = site.hosts.find((h) => h.name === 'pve1')!;
    expect(wd1[0]!.probes).toEqual([
      { kind: 'icmp', host: pve1.address },
      { kind: 'tcp', host: pve1.address, port: 8006 },
    ]);
    expect(wd1[0]!.healthyWhen).toBe('any');
  });

  it('serves metrics on the port the catalog opens to Prometheus, and checks its link without its targets', () => {
    const watchdogService = site.services.find((s) => s.name === 'watchdog')!;
    expect(watchdogService.ports[0]!.port).toBe(WATCHDOG_METRICS_PORT);
    for (const wd of site.watchdogs) {
      const config = parse(files(site).get(`watchdog/${wd.host}.yaml`)!.content);
      expect(config.metrics.listen).toBe(`0.0.0.0:${WATCHDOG_METRICS_PORT}`);
      const targets = new Set(wd.targets.map((t) => site.hosts.find((h) => h.name === t)!.address));
      const refs = config.selfCheck.probes.map((p: { host: string }) => p.host);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((a: string) => targets.has(a))).toEqual([]);
    }
  });

  it('installs through one play per Pi in the observability playbook, and one apply step after the base', () => {
    const tree = files(site);
    const plays = parse(tree.get(OBSERVABILITY_PLAYBOOK)!.content).filter((p: { tags: string[] }) =>
      p.tags.includes(WATCHDOG_TAG),
    );
    expect(plays.map((p: { hosts: string }) => p.hosts)).toEqual(['wd1', 'wd2']);
    expect(plays[1].vars.beelab_watchdog_gpio).toBe(true);
    expect(tree.get('watchdog/wd2.service')!.content).toContain('DeviceAllow=/dev/gpiochip0 rw');
    expect(tree.get('watchdog/wd1.service')!.content).not.toContain('DeviceAllow');
    const steps = observabilityLayer.steps!(site, tree).filter((s) => s.id === WATCHDOG_STEP);
    expect(steps.map((s) => [s.id, s.hosts])).toEqual([[WATCHDOG_STEP, ['wd1', 'wd2']]]);
    const step = steps[0]!;
    expect(step.run.kind === 'shell' && step.run.script).toContain('beelab watchdog --bundle');
    expect(step.inputs).toContain('watchdog/wd1.yaml');
    expect(step.inputs).toContain('ansible/roles/beelab_watchdog/tasks/main.yml');
  });

  it('docs/watchdog.md names each target, its relay channel and the console of every machine', () => {
    const md = files(site).get('docs/watchdog.md')!.content;
    expect(md).toContain('switch 2 of Shelly plug-pve');
    expect(md).toContain('GPIO line 18 of gpiochip0');
    expect(md).toMatch(/\| `pbs2` \| `[\d.]+` \| none: a screen and keyboard/);
  });

  it('a site without watchdogs renders none of it (its playbook holds the monitoring play only)', () => {
    const single = exampleSite('single');
    const tree = files(single);
    const paths = tree.entries().map(([p]) => p);
    expect(paths.filter((p) => /watchdog/.test(p) && !p.startsWith('docs/runbooks/'))).toEqual([]);
    expect(paths).toContain(OBSERVABILITY_PLAYBOOK);
    expect(parse(tree.get(OBSERVABILITY_PLAYBOOK)!.content).map((p: { tags: string[] }) => p.tags)).toEqual([
      ['monitoring'],
    ]);
  });
});

describe('thresholds and references that depend on what is watched', () => {
  it('a Pi watching the firewall does not judge its own link by the firewall', () => {
    const spec = tierDefaults('reference');
    spec.watchdogs = [
      { name: 'wd1', relay: 'gpio', targets: ['fw', 'pve1'] },
      { name: 'wd2', relay: 'shelly-gen2', relayHost: 'plug-pve', targets: ['pve2'] },
    ];
    const { site } = resolveSite(spec);
    const wd1 = site.watchdogs[0]!;
    const pi = site.hosts.find((h) => h.name === 'wd1')!;
    const fw = site.hosts.find((h) => h.name === 'fw')!;
    const refs = selfCheckHosts(site, pi, wd1);
    expect(refs).not.toContain(fw.address);
    expect(refs).toEqual([site.hosts.find((h) => h.name === 'wd2')!.address]);
    const config = watchdogConfig(site, wd1);
    expect(config.targets.map((t) => t.bootGrace)).toEqual(['5m', '10m']);
  });
});

describe('beelab check: the watchdog-config validator', () => {
  const ctx = (text: Record<string, string>): ValidatorContext => ({
    dir: '/nonexistent',
    files: Object.keys(text),
    read: (f) => text[f] ?? '',
    firstLine: (f) => (text[f] ?? '').split('\n')[0]!,
    signal: new AbortController().signal,
  });

  it('applies to watchdog/*.yaml only and passes the rendered configs', async () => {
    const tree = files(exampleSite('reference'));
    const paths = tree.entries().map(([p]) => p);
    const picked = watchdogConfigValidator.applies(paths, ctx({}));
    expect(picked).toEqual(['watchdog/wd1.yaml', 'watchdog/wd2.yaml']);
    const texts = Object.fromEntries(picked.map((p) => [p, tree.get(p)!.content]));
    expect(await watchdogConfigValidator.run(ctx(texts))).toEqual([]);
  });

  it('reports what the Pi would refuse, located in the file (an override gone wrong)', async () => {
    const bad = [
      'selfCheck:',
      '  probes: [{ kind: icmp, host: 10.0.0.1 }]',
      'defaults:',
      '  interval: 10 sec',
      'targets:',
      '  - name: pve1',
      '    probes: [{ kind: icmp, host: 10.0.0.2 }]',
      '    powr: { type: gpio, line: 17 }',
      '',
    ].join('\n');
    const out = await watchdogConfigValidator.run(ctx({ 'watchdog/wd1.yaml': bad }));
    expect(out.map((d) => [d.location?.line, d.location?.col, d.severity])).toEqual([
      [4, 13, 'error'],
      [8, 5, 'error'],
    ]);
    expect(out[1]!.message).toContain('did you mean "power"');
    const syntax = await watchdogConfigValidator.run(ctx({ 'watchdog/wd1.yaml': 'targets: [\n' }));
    expect(syntax).toHaveLength(1);
    expect(syntax[0]!.location?.line).toBeGreaterThan(0);
  });
});

describe('bad input: located errors, all at once', () => {
  const BASE = `version: 1
tier: reference
site:
  name: demo
  domain: lab.example.com
`;

  it('a watchdog that targets itself, its relay, a VM or a host it cannot reach; two watchdogs on one host', () => {
    const yaml = `${BASE}watchdogs:
  - name: wd1
    relay: shelly-gen2
    relayHost: plug-a
    targets: [pve1, wd1, plug-a, talos-cp1, pve1]
  - name: wd2
    relay: gpio
    targets: [pve1, pbs1]
  - name: wd3
    relay: shelly-gen2
    relayHost: plug-a
    targets: [pbs1]
  - name: wd4
    relay: tasmota
    relayHost: 10.20.250.9
    targets: [pve2]
`;
    const diags = parseSiteSpec(yaml).diagnostics.filter((d) => d.code.startsWith('watchdog/'));
    const lines = yaml.split('\n');
    const at = (d: (typeof diags)[number]) => {
      const line = lines[(d.location?.line ?? 0) - 1] ?? '';
      return `${d.location?.line}:${line.slice((d.location?.col ?? 1) - 1).split(/[,\]\s]/)[0]}`;
    };
    expect(diags.map((d) => [d.code, at(d)]).sort()).toEqual(
      [
        ['watchdog/self-target', '10:wd1'],
        ['watchdog/relay-target', '10:plug-a'],
        ['watchdog/vm-target', '10:talos-cp1'],
        ['watchdog/duplicate-target', '10:pve1'],
        ['watchdog/two-relays', '13:pve1'],
        ['watchdog/two-relays', '17:pbs1'],
        ['watchdog/unreachable-relay', '20:10.20.250.9'],
      ].sort(),
    );
    for (const d of diags) {
      expect(d.severity).toBe('error');
      expect(d.hint).toBeTruthy();
    }
    const two = diags.find((d) => d.code === 'watchdog/two-relays' && d.location?.line === 13)!;
    expect(two.message).toContain('the gpio relay of wd2');
    expect(two.message).toContain('shelly-gen2 plug-a');
    expect(diags.find((d) => d.code === 'watchdog/vm-target')!.hint).toMatch(/watch its node pve\d/);
  });

  it('the same plug for one host from two Pis is refused too; a plug outside the site is a warning', () => {
    const yaml = `${BASE}watchdogs:
  - name: wd1
    relay: shelly-gen1
    relayHost: 192.168.1.50
    targets: [pve1]
  - name: wd2
    relay: shelly-gen1
    relayHost: 192.168.1.50
    targets: [pve1]
`;
    const diags = parseSiteSpec(yaml).diagnostics.filter((d) => d.code.startsWith('watchdog/'));
    expect(diags.map((d) => [d.code, d.severity, d.location?.line]).sort()).toEqual(
      [
        ['watchdog/shared-target', 'error', 14],
        ['watchdog/unreachable-relay', 'warning', 9],
        ['watchdog/unreachable-relay', 'warning', 13],
      ].sort(),
    );
  });

  it('a Pi on a VLAN that reaches no other cannot watch a host behind the firewall, unless a flow lets it ping', () => {
    const spec = (flows: string) => `${BASE}network:
  vlans:
    - { name: servers, id: 20, purpose: servers }
    - { name: ai, id: 40, purpose: ai }
watchdogs:
  - name: wd1
    relay: gpio
    targets: [pve1, ai-head]
${flows}`;
    const bad = parseSiteSpec(spec('')).diagnostics.filter((d) => d.code.startsWith('watchdog/'));
    expect(bad.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([
      ['watchdog/unreachable-target', 13, 21],
    ]);
    expect(bad[0]!.message).toContain('cannot reach ai-head on VLAN ai');
    const flow = `flows:
  - { from: { host: wd1 }, to: { host: ai-head }, protocol: icmp, why: watchdog }
`;
    const good = parseSiteSpec(spec(flow)).diagnostics.filter((d) => d.code.startsWith('watchdog/'));
    expect(good).toEqual([]);
  });

  it('the reference build and its tiers have none of these', () => {
    for (const tier of ['reference', 'compact', 'single'] as const) {
      const diags = parseSiteSpec(`${BASE.replace('reference', tier)}`).diagnostics;
      expect(diags.filter((d) => d.code.startsWith('watchdog/'))).toEqual([]);
    }
  });
});
