// The failure scenarios the site plans for: one runbook each (docs/runbooks/<slug>.md), the alerts that detect
// them name their scenario (runbook_url), and docs/failure-modes.md is this list joined with alerts and drills.

export interface FailureScenario {
  /** Stable: the runbook's file name (`docs/runbooks/<slug>.md`) and the key alerts and drills refer to. */
  slug: string;
  /** One line, as a heading: what failed. */
  title: string;
}

export const FAILURE_SCENARIOS = [
  { slug: 'host-down', title: 'A host or VM stops answering' },
  { slug: 'pve-node-down', title: 'A Proxmox VE node dies' },
  { slug: 'primary-disk-failed', title: "The primary's system disk dies (Clonezilla restore)" },
  { slug: 'pool-disk-failed', title: 'A disk of a ZFS pool dies or is failing (SMART, degraded pool)' },
  { slug: 'firewall-down', title: 'The firewall dies' },
  { slug: 'talos-control-plane-down', title: 'A Talos control plane node dies' },
  { slug: 'k3s-server-down', title: 'The k3s server dies' },
  { slug: 'k8s-node-not-ready', title: 'A Kubernetes node is NotReady' },
  { slug: 'ai-head-down', title: 'The AI head (gateway host) dies' },
  { slug: 'ai-backend-down', title: 'A model server behind the gateway is down' },
  { slug: 'backup-server-down', title: 'A backup server dies' },
  { slug: 'backup-stale', title: 'A backup is older than its schedule allows, or its verify failed' },
  { slug: 'watchdog-down', title: 'A Pi watchdog dies or gave up on a host' },
  { slug: 'power-failure', title: 'Mains power fails (the UPS is on battery)' },
  { slug: 'certificate-expiring', title: 'A certificate is about to expire' },
  { slug: 'site-lost', title: 'The whole site is lost (rebuild from the repository and the backups)' },
] as const satisfies readonly FailureScenario[];

export type FailureSlug = (typeof FAILURE_SCENARIOS)[number]['slug'];

/** Where a scenario's runbook lives in the generated repository. */
export function runbookPath(slug: FailureSlug): string {
  return `docs/runbooks/${slug}.md`;
}

/** What an alert's runbook_url says: a link under the repository's web address when the site gives one, else the path. */
export function runbookUrl(slug: FailureSlug, base?: string): string {
  return base ? new URL(runbookPath(slug), base.endsWith('/') ? base : `${base}/`).href : runbookPath(slug);
}
