// One runbook: what an on-call person reads when a failure scenario happens, rendered with the site's real
// hosts, addresses, drives and commands.
import type { Host, Site } from '../../../site/types.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/index.ts';
import { code, doc } from '../../markdown.ts';
import { FAILURE_SCENARIOS, type FailureSlug } from '../failure-scenarios.ts';

/** An alert rule of the monitoring part and the scenario its runbook_url points at. */
export interface ScenarioAlert {
  name: string;
  scenario: FailureSlug;
}

export interface Runbook {
  slug: FailureSlug;
  /** Why it does not apply to this site (no UPS, no k3s): the runbook says so and stays short. */
  notHere?: string;
  /** What it affects, on this site: one paragraph. */
  impact: string;
  /** Other signs than the alerts (watchdog alerts, `beelab status`, what users see). */
  signs: string[];
  /** Ordered sections: `### heading` plus text, commands in fenced blocks. */
  sections: string[];
  /** The Beelab command that automates the recovery, where one exists. */
  automated?: string;
  /** The lab drill that rehearses it and runs in CI, where one exists. */
  drill?: string;
  /**
   * Its alert that Beelab's CI rehearses end to end in the lab, where one is: it fires, Alertmanager delivers it
   * with its runbook_url to a webhook, and it resolves (src/layers/observability/monitoring/monitoring.lab.test.ts).
   */
  alertDrilled?: string;
}

/** What the lab rehearses of a scenario's alert, for the failure-mode matrix; undefined when nothing. */
export function alertDrill(rb: Runbook, alerts: readonly ScenarioAlert[]): string | undefined {
  const name = rb.alertDrilled;
  if (!name || !alerts.some((a) => a.name === name && a.scenario === rb.slug)) return undefined;
  return `${code(name)} fired, delivered through Alertmanager and resolved`;
}

export const titleOf = (slug: FailureSlug): string => FAILURE_SCENARIOS.find((s) => s.slug === slug)!.title;

/** A shell block. */
export function sh(...lines: string[]): string {
  return ['```sh', ...lines, '```'].join('\n');
}

/** Numbered steps. */
export function steps(...items: string[]): string {
  return items.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

export function host(site: Site, name: string | undefined): Host | undefined {
  return name ? site.hosts.find((h) => h.name === name) : undefined;
}

export function withRole(site: Site, role: Host['roles'][number]): Host[] {
  return site.hosts.filter((h) => h.roles.includes(role));
}

/** `name` (`address`) for prose. */
export function named(h: Host): string {
  return `${code(h.name)} (${code(h.address)})`;
}

/** The SSH login Ansible uses for a host (root on Proxmox, debian on VMs, pi on the Pis). */
export function login(h: Host): string {
  if (h.os === 'proxmox-ve' || h.os === 'proxmox-backup') return `root@${h.address}`;
  if (h.os === 'raspberry-pi-os') return `pi@${h.address}`;
  if (h.os === 'macos') return `admin@${h.address}`;
  return `debian@${h.address}`;
}

/** The Pi that power-cycles a host, if any. */
export function watcherOf(site: Site, name: string): string | undefined {
  return site.watchdogs.find((w) => w.targets.includes(name))?.host;
}

export function renderRunbook(site: Site, rb: Runbook, alerts: readonly ScenarioAlert[]): string {
  const own = alerts.filter((a) => a.scenario === rb.slug).map((a) => code(a.name));
  const detected = [
    ...(own.length > 0
      ? [
          `- Alert${own.length > 1 ? 's' : ''} ${own.join(', ')} (Prometheus, through Alertmanager to the alert channel).`,
        ]
      : []),
    ...(alertDrill(rb, alerts)
      ? [
          `- ${code(rb.alertDrilled!)} is rehearsed end to end in the lab by Beelab's CI: a node exporter stops, the alert fires and reaches a webhook through Alertmanager with the link to this runbook, and resolves once the exporter is back.`,
        ]
      : []),
    ...rb.signs.map((s) => `- ${s}`),
  ];
  return doc([
    `<!-- ${GENERATED_NOTICE} -->`,
    `# ${titleOf(rb.slug)}`,
    `Runbook of ${code(site.name)} · [all failure modes](../failure-modes.md)`,
    ...(rb.notHere
      ? [`**Does not apply to this site:** ${rb.notHere}`]
      : [
          `**Impact.** ${rb.impact}`,
          [
            '## How it shows',
            detected.length > 0 ? detected.join('\n') : '- Nothing tells you but the users.',
          ].join('\n\n'),
          [
            '## Automated',
            rb.automated
              ? `${sh(rb.automated)}\n\n${rb.drill ? `Rehearsed in the lab (and in CI): ${code(rb.drill)}.` : 'Not drilled in the lab: what the lab cannot emulate is done on the real machines only.'}`
              : 'No single command: follow the steps below.',
          ].join('\n\n'),
          '## Steps',
          ...rb.sections,
        ]),
  ]);
}
