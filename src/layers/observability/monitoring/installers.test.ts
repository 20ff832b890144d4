// Every node exporter Prometheus scrapes has something that installs it, and every exporter a scrape job asks on
// the monitor (blackbox, Proxmox VE, PBS, NUT) is installed by a role of the monitoring play, listening where the
// job asks and verified by the apply step: a scrape nothing can answer would hold HostDown (or FirewallDown,
// PveNodeDown...) firing forever, or leave PveNodeOffline, BackupStale and UpsOnBattery unable to fire. Read from the rendered repository of every example: the inventory, the playbooks, the roles' defaults
// and the Macs' setup files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { exampleNames, ROOT, renderExample } from '../../../../test/support/examples.ts';
import { renderSite } from '../../../project/render-site.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import type { Site } from '../../../site/types.ts';
import { NODE_EXPORTER_LABEL } from '../../ai/macs.ts';
import { resolveSite } from '../../index.ts';
import { observabilityLayer } from '../index.ts';
import { nodeExporterInstall } from '../node-exporter.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { LOCAL_EXPORTERS } from './probes.ts';
import { NODE_EXPORTER, scrapeJobs } from './scrape-jobs.ts';
import { MONITORING_STEP } from './steps.ts';

const NAMES = exampleNames().filter((n) => n !== 'synthetic-200');

function siteOf(name: string): Site {
  const parsed = parseSiteSpec(readFileSync(`${ROOT}/examples/${name}/beelab.yaml`, 'utf8'));
  return resolveSite(parsed.spec!).site;
}

describe.each(NAMES)('%s', (name) => {
  const site = siteOf(name);
  const jobs = scrapeJobs(site);
  const nodeTargets = jobs.find((j) => j.job === NODE_EXPORTER)?.targets.map((t) => t.labels.host!) ?? [];

  it('scrapes a node exporter only where something installs it, and pings every host', async () => {
    const files = await renderExample(name);
    const text = (p: string) => files.get(p)?.content ?? '';
    const inventory = parse(text('ansible/inventory.yml'));
    const debian = Object.keys(inventory.all.children.debian?.hosts ?? {});
    const physical = parse(text('ansible/playbooks/physical.yml')) as { hosts: string; roles?: string[] }[];
    const basePlay = physical.find((p) => p.roles?.includes('base'));
    const basePackages: string[] = parse(text('ansible/roles/base/defaults/main.yml')).base_packages;
    const baseTasks = parse(text('ansible/roles/base/tasks/main.yml')) as Record<string, unknown>[];
    const kinds = new Set(
      nodeTargets.map((host) => nodeExporterInstall(site.hosts.find((x) => x.name === host)!).by),
    );
    if (name === 'reference')
      expect([...kinds].sort()).toEqual(['base-role', 'daemonset', 'firewall-plugin', 'mac-bootstrap']);
    for (const host of nodeTargets) {
      const h = site.hosts.find((x) => x.name === host)!;
      const how = nodeExporterInstall(h);
      switch (how.by) {
        case 'base-role':
          expect(debian, host).toContain(host);
          expect(basePlay?.hosts).toBe('debian');
          expect(basePackages).toContain('prometheus-node-exporter');
          expect(baseTasks).toContainEqual(
            expect.objectContaining({
              'ansible.builtin.systemd': {
                name: 'prometheus-node-exporter',
                enabled: true,
                state: 'started',
              },
            }),
          );
          break;
        case 'mac-bootstrap': {
          const dir = `ai/macs/${host}`;
          expect(text(`${dir}/Brewfile`)).toMatch(/^brew "node_exporter"$/m);
          expect(text(`${dir}/launchd/${NODE_EXPORTER_LABEL}.plist`)).toContain(
            '<string>--web.listen-address=:9100</string>',
          );
          expect(text(`${dir}/bootstrap.sh`)).toMatch(new RegExp(`^labels=\\(.*${NODE_EXPORTER_LABEL}`, 'm'));
          break;
        }
        case 'firewall-plugin':
          expect(h.os).toBe('opnsense');
          expect(readFileSync(`${ROOT}/docs/observability.md`, 'utf8')).toContain('os-node_exporter');
          break;
        case 'firewall-package': {
          // pfSense: Netgate's package reads installedpackages/nodeexporter from the rendered config.xml
          expect(h.os).toBe('pfsense');
          const xml = text('network/pfsense/config.xml');
          expect(xml).toMatch(/<installedpackages>\s*<nodeexporter>\s*<config>\s*<enable>on<\/enable>/);
          expect(xml).toContain('<listen_port>9100</listen_port>');
          expect(readFileSync(`${ROOT}/docs/observability.md`, 'utf8')).toContain(
            'pfSense-pkg-node_exporter',
          );
          // a rebuilt firewall gets it back: the runbook installs the package after the restore
          expect(text('docs/runbooks/firewall-down.md')).toContain('install `node_exporter` again');
          break;
        }
        case 'daemonset': {
          // Talos: the DaemonSet of k8s/production/monitoring on the host network, applied by talos/talos.sh apps
          expect(h.os).toBe('talos');
          const ds = parseAllDocuments(text('k8s/production/monitoring/node-exporter.yaml'))
            .map((d) => d.toJS())
            .find((d) => d.kind === 'DaemonSet');
          expect(ds?.spec.template.spec.hostNetwork).toBe(true);
          expect(ds?.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
          expect(ds?.spec.template.spec.containers[0].ports[0].containerPort).toBe(9100);
          expect(text('k8s/production/monitoring/kustomization.yaml')).toContain('- node-exporter.yaml');
          expect(text('talos/talos.sh')).toContain('apply -k k8s/production/monitoring');
          break;
        }
        case 'none':
          expect.unreachable(`${host} is scraped but nothing installs its node exporter: ${how.why}`);
      }
    }
    // Every host without one is still pinged: HostDown then reads the ping alone.
    const pinged = jobs.find((j) => j.job === 'blackbox-icmp')!.targets.map((t) => t.labels.host);
    expect(pinged).toEqual(site.hosts.map((h) => h.name));
    for (const h of site.hosts.filter((x) => !nodeTargets.includes(x.name)))
      expect(nodeExporterInstall(h).by, h.name).toBe('none');
  });

  it('installs every exporter a scrape job asks on the monitor, where the job asks, and verifies its unit', () => {
    const files = renderSite(site);
    const play = (
      parse(files.get(OBSERVABILITY_PLAYBOOK)?.content ?? '[]') as { hosts: string; roles: string[] }[]
    )[0];
    const step = observabilityLayer.steps!(site, files).find((s) => s.id === MONITORING_STEP);
    const asked = [...new Set(jobs.flatMap((j) => (j.via ? [j.via.exporter] : [])))];
    const exporters = Object.values(LOCAL_EXPORTERS);
    for (const address of asked) {
      const e = exporters.find((x) => `127.0.0.1:${x.port}` === address);
      expect(e, `${address}: no exporter of LOCAL_EXPORTERS`).toBeDefined();
      expect(play?.roles, address).toContain(e!.role);
      const defaults = parse(files.get(`ansible/roles/${e!.role}/defaults/main.yml`)!.content);
      expect(defaults[`${e!.role}_listen`]).toBe(address);
      expect(files.get(`ansible/roles/${e!.role}/tasks/main.yml`)!.content).toContain(`name: ${e!.unit}`);
      expect(step?.verify).toMatchObject({ script: expect.stringContaining(e!.unit) });
    }
    // ...and nothing else: an exporter no job asks is not installed.
    const installed = exporters.filter((x) => play?.roles.includes(x.role));
    expect(installed.map((x) => `127.0.0.1:${x.port}`).sort()).toEqual(asked.sort());
  });
});
