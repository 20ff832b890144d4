// docs/runbooks/<slug>.md for every failure scenario, and docs/failure-modes.md: scenario × alert × automated
// path × runbook × drilled in the lab.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/index.ts';
import { code, doc, table } from '../../markdown.ts';
import { FAILURE_SCENARIOS, type FailureSlug, runbookPath } from '../failure-scenarios.ts';
import {
  firewallDown,
  hostDown,
  poolDiskFailed,
  powerFailure,
  primaryDiskFailed,
  pveNodeDown,
  siteLost,
} from './infra.ts';
import { alertDrill, type Runbook, renderRunbook, type ScenarioAlert, titleOf } from './runbook.ts';
import {
  aiBackendDown,
  aiHeadDown,
  backupServerDown,
  backupStale,
  certificateExpiring,
  k3sServerDown,
  k8sNodeNotReady,
  talosControlPlaneDown,
  watchdogDown,
} from './services.ts';

export const FAILURE_MODES_DOC = 'docs/failure-modes.md';

const RUNBOOKS: Record<FailureSlug, (site: Site) => Runbook> = {
  'host-down': hostDown,
  'pve-node-down': pveNodeDown,
  'primary-disk-failed': primaryDiskFailed,
  'pool-disk-failed': poolDiskFailed,
  'firewall-down': firewallDown,
  'talos-control-plane-down': talosControlPlaneDown,
  'k3s-server-down': k3sServerDown,
  'k8s-node-not-ready': k8sNodeNotReady,
  'ai-head-down': aiHeadDown,
  'ai-backend-down': aiBackendDown,
  'backup-server-down': backupServerDown,
  'backup-stale': backupStale,
  'watchdog-down': watchdogDown,
  'power-failure': powerFailure,
  'certificate-expiring': certificateExpiring,
  'site-lost': siteLost,
};

/** Every scenario's runbook for this site, in the scenarios' order. */
export function siteRunbooks(site: Site): Runbook[] {
  return FAILURE_SCENARIOS.map((s) => RUNBOOKS[s.slug](site));
}

/**
 * The matrix. `alerts` are the monitoring part's alert rules by scenario; without them (no monitoring
 * rendered) the alert column is left out rather than shown empty.
 */
export function renderFailureModes(
  site: Site,
  runbooks: readonly Runbook[],
  alerts: readonly ScenarioAlert[],
): string {
  const withAlerts = alerts.length > 0;
  const rows = runbooks.map((rb) => {
    const names = alerts.filter((a) => a.scenario === rb.slug).map((a) => code(a.name));
    const link = `[${rb.slug}](${runbookPath(rb.slug).replace(/^docs\//, '')})`;
    const automated = rb.notHere ? 'does not apply' : rb.automated ? code(rb.automated) : 'no: by hand';
    const alert = alertDrill(rb, alerts);
    const drilled = [
      rb.drill ? `yes: ${code(rb.drill)}` : alert ? 'yes' : 'no',
      ...(alert ? [alert] : []),
    ].join('; ');
    return [titleOf(rb.slug), ...(withAlerts ? [names.join(', ') || 'none'] : []), automated, link, drilled];
  });
  const drilled = runbooks.filter((r) => r.drill).length;
  return doc([
    `<!-- ${GENERATED_NOTICE} -->`,
    `# Failure modes of ${site.name}`,
    `Every failure this site plans for, what detects it, what recovers it and whether the recovery is rehearsed. ${drilled} of ${runbooks.length} are drilled in the lab (\`beelab lab drill\`, run in CI); the others are recovered on real hardware by their runbook.`,
    table(['scenario', ...(withAlerts ? ['alert'] : []), 'automated', 'runbook', 'drilled in the lab'], rows),
  ]);
}

export function renderRunbooks(site: Site, alerts: readonly ScenarioAlert[] = []): FileTree {
  const tree = new FileTree();
  const runbooks = siteRunbooks(site);
  for (const rb of runbooks) tree.add(runbookPath(rb.slug), renderRunbook(site, rb, alerts), 'observability');
  tree.add(FAILURE_MODES_DOC, renderFailureModes(site, runbooks, alerts), 'observability');
  return tree;
}
