// Layer 7, observability and recovery: the composition of its parts (monitoring, watchdogs, runbooks).
import type { SiteContribution } from '../../site/contribution.ts';
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule } from '../layer.ts';
import { monitoringAlerts } from './monitoring/alerts.ts';
import { monitoringPlays } from './monitoring/ansible.ts';
import { monitoringFlows } from './monitoring/flows.ts';
import { renderMonitoring } from './monitoring/render.ts';
import { monitoringSpecRules } from './monitoring/spec-rules.ts';
import { monitoringSteps } from './monitoring/steps.ts';
import { OBSERVABILITY_PLAYBOOK, type Play, renderObservabilityPlaybook } from './playbook.ts';
import { renderRunbooks } from './runbooks/render.ts';
import { observabilitySite } from './site.ts';
import { watchdogPlays } from './watchdogs/ansible.ts';
import { renderWatchdogs } from './watchdogs/render.ts';
import { watchdogSteps } from './watchdogs/steps.ts';
import { watchdogConfigValidator } from './watchdogs/validator.ts';

/** The Site part: hosts, services and the watchdogs' rules, plus what Prometheus needs (flows, metrics rule). */
const site: SiteContribution = {
  ...observabilitySite,
  flows: monitoringFlows,
  rules: (ctx, resolved) => [
    ...(observabilitySite.rules?.(ctx, resolved) ?? []),
    ...monitoringSpecRules(ctx, resolved),
  ],
};

/** The playbook's plays, in order: monitoring, then the watchdogs last, so they never cycle a host still being installed. */
function plays(site: Site): Play[] {
  return [...monitoringPlays(site), ...watchdogPlays(site)];
}

function render(site: Site): FileTree {
  const tree = new FileTree()
    .merge(renderMonitoring(site))
    .merge(renderWatchdogs(site))
    .merge(renderRunbooks(site, monitoringAlerts(site)));
  // ansible/site.yml imports the playbook whatever the site has, and Ansible refuses a playbook without plays.
  const all = plays(site);
  const none: Play = {
    name: 'Observability: nothing to install on this site',
    hosts: 'localhost',
    gather_facts: false,
    tasks: [],
  };
  tree.add(
    OBSERVABILITY_PLAYBOOK,
    renderObservabilityPlaybook(all.length > 0 ? all : [none]),
    'observability',
  );
  return tree;
}

export const observabilityLayer: LayerModule = {
  id: 'observability',
  layout: {
    title: '7 Observability + recovery',
    paths: ['monitoring/', 'watchdog/', 'docs/watchdog.md', 'docs/runbooks/', 'docs/failure-modes.md'],
    what: 'Prometheus, Alertmanager, Grafana, Pi watchdogs (config, unit, Ansible role), runbooks',
    playbook: OBSERVABILITY_PLAYBOOK,
  },
  site,
  render,
  validators: () => [watchdogConfigValidator],
  steps: (site, files) => [...monitoringSteps(site, files), ...watchdogSteps(site, files)],
};
