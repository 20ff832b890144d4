// docs/watchdog.md: what each Pi watches, how it cuts power, what tells it its own link is up, and the
// console (IP KVM) of every machine, for whoever stands at the rack.

import type { Host, Site, Watchdog } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/index.ts';
import { DEFAULT_POLICY } from '../../../watchdog/config-schema.ts';
import { code, doc, table } from '../../markdown.ts';
import {
  kindPolicy,
  PI_PATHS,
  selfCheckHosts,
  targetPower,
  targetProbes,
  watchdogConfigPath,
} from './config.ts';

/** The site's own page; the unit's header names docs/watchdog.md. */
export const WATCHDOGS_DOC = 'docs/watchdog.md';

function powerText(site: Site, wd: Watchdog, i: number, host: Host): string {
  const p = targetPower(site, wd, i, host);
  const device = wd.relayHost
    ? `${wd.relayHost}${site.hosts.find((h) => h.name === wd.relayHost) ? ` (${site.hosts.find((h) => h.name === wd.relayHost)!.address})` : ''}`
    : '';
  switch (p.type) {
    case 'gpio':
      return `GPIO line ${p.line} of ${p.chip}, off for ${p.hold}`;
    case 'shelly-gen1':
      return `channel ${p.channel} of Shelly ${device}, off for ${p.hold}`;
    case 'shelly-gen2':
      return `switch ${p.id} of Shelly ${device}, off for ${p.hold}`;
    case 'tasmota':
      return `relay ${p.relay} of Tasmota ${device}, off for ${p.hold}`;
    case 'pikvm':
      return `ATX reset through PiKVM ${device}`;
    case 'command':
      return `${p.argv.join(' ')} (your program)`;
  }
}

function piSection(site: Site, wd: Watchdog): string {
  const byName = new Map(site.hosts.map((h) => [h.name, h]));
  const pi = byName.get(wd.host);
  if (!pi) return '';
  const rows = wd.targets.flatMap((name, i) => {
    const h = byName.get(name);
    if (!h) return [];
    const probes = targetProbes(site, h)
      .map((p) => (p.kind === 'tcp' ? `tcp/${p.port}` : p.kind))
      .join(' or ');
    return [
      [
        code(name),
        code(h.address),
        kindPolicy(h).what,
        probes,
        kindPolicy(h).bootGrace,
        powerText(site, wd, i, h),
      ],
    ];
  });
  const wiring =
    wd.relay === 'gpio'
      ? '\n\nWire each relay channel so that **released = powered** (the normally-closed contact): a Pi that dies or reboots then leaves every machine on. The watchdog drives every line to released when it starts.'
      : wd.relay === 'command'
        ? `\n\nThe command relay runs your own program, \`${PI_PATHS.powerCommand} <target>\` (for example \`ipmitool -I lanplus -H <bmc> -U <user> -E chassis power cycle\`); install it on ${wd.host} before the playbook runs, which checks that it exists.`
        : '\n\nThe plug turns the outlet back on by its own timer, so power returns even when the Pi dies mid-cycle.';
  return [
    `## ${wd.host} (${code(pi.address)}, ${pi.model ?? 'Raspberry Pi'})`,
    `Config ${code(watchdogConfigPath(wd.host))} (installed as ${code(PI_PATHS.config)}), metrics on ${code(`http://${pi.address}:9102/metrics`)}. ` +
      `Acts only while one of ${selfCheckHosts(site, pi, wd).map(code).join(', ')} answers (its own link).${wiring}`,
    table(['target', 'address', 'what', 'healthy while', 'boot grace', 'power'], rows),
  ].join('\n\n');
}

function consoleSection(site: Site): string {
  const kvm = new Map<string, string>();
  for (const wd of site.watchdogs) {
    if (wd.relay !== 'pikvm' || !wd.relayHost) continue;
    const dev = site.hosts.find((h) => h.name === wd.relayHost);
    for (const t of wd.targets) kvm.set(t, `PiKVM ${wd.relayHost}: https://${dev?.address ?? wd.relayHost}/`);
  }
  const machines = site.hosts.filter(
    (h) =>
      h.kind === 'physical' || h.kind === 'mac' || (h.kind === 'appliance' && h.roles.includes('firewall')),
  );
  const rows = machines.map((h) => [
    code(h.name),
    code(h.address),
    kvm.get(h.name) ?? 'none: a screen and keyboard at the rack',
  ]);
  return [
    '## Console access (IP KVM)',
    'When a machine does not come back after a power cycle, its console says why (a kernel panic, a full boot disk, a BIOS prompt). ' +
      'A PiKVM gives that console over the network: open its web UI from the management VLAN, log in, and use ' +
      '**ATX** (power, reset), the **keyboard and screen**, and **Mass Storage Drive** to boot an installer ISO for a reinstall ' +
      '(the rebuild runbooks name the ISO). Give a machine a PiKVM with a watchdog whose `relay` is `pikvm` and `relayHost` the KVM.',
    table(['machine', 'address', 'console'], rows),
  ].join('\n\n');
}

export function renderWatchdogDocs(site: Site): string {
  return doc([
    `<!-- ${GENERATED_NOTICE} -->`,
    `# Watchdogs of ${site.name}`,
    'Each Raspberry Pi probes the machines it watches every ' +
      `${DEFAULT_POLICY.interval / 1000} s and, after ${DEFAULT_POLICY.failAfter} failed rounds outside the boot grace, cuts and restores their power; ` +
      `at most ${DEFAULT_POLICY.maxCycles} power cycles a day per machine, with a back-off between them, then it gives up and alerts ` +
      '(the [watchdog-down](runbooks/watchdog-down.md) runbook). Its grace, back-off and cap: `beelab watchdog --help`.',
    [
      '```sh',
      'beelab watchdog --config watchdog/<pi>.yaml --check           # what the Pi would do',
      'beelab apply --only observability/watchdogs                     # build the bundle and install every Pi',
      'ssh <pi> sudo touch /etc/beelab-watchdog/maintenance             # suspend all action (rm to resume)',
      'ssh <pi> journalctl -u beelab-watchdog -f                        # its decisions, as JSON lines',
      '```',
    ].join('\n'),
    ...site.watchdogs.map((wd) => piSection(site, wd)),
    consoleSection(site),
  ]);
}
