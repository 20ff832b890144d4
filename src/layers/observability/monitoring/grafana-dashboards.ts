// The site's Grafana dashboards, read from its scrape jobs: an overview with one row per layer, the hosts, the
// backups, the AI gateway and the firewall. A dashboard whose metrics no job scrapes is left out (no backups
// dashboard without a Proxmox Backup Server), and every query names only metrics those jobs produce.
import type { Site } from '../../../site/types.ts';
import { LAYERS } from '../../../tree/file-tree.ts';
import type { Dashboard, Panel, Row } from './grafana-panels.ts';
import { NODE_EXPORTER, type ScrapeJob } from './scrape-jobs.ts';

const GATEWAY_JOB = 'ai-gateway-admin';
const NODE = `job="${NODE_EXPORTER}"`;
const R = '[5m]';

/** The layers the site's targets carry, in the layers' order. */
function layersOf(jobs: readonly ScrapeJob[]): string[] {
  const seen = new Set(jobs.flatMap((j) => j.targets.map((t) => t.labels.layer)));
  return LAYERS.filter((l) => seen.has(l));
}

function overview(site: Site, jobs: readonly ScrapeJob[]): Dashboard {
  const layerRow = (layer: string): Row => ({
    title: `Layer: ${layer}`,
    panels: [
      {
        title: 'Hosts up',
        kind: 'stat',
        width: 6,
        queries: [{ expr: `sum(up{${NODE}, layer="${layer}"}) or vector(0)` }],
      },
      {
        title: 'Hosts down',
        kind: 'stat',
        width: 6,
        redFrom: 1,
        queries: [{ expr: `count(up{${NODE}, layer="${layer}"} == 0) or vector(0)` }],
      },
      {
        title: 'Failing health checks',
        kind: 'stat',
        width: 6,
        redFrom: 1,
        queries: [{ expr: `count(probe_success{layer="${layer}"} == 0) or vector(0)` }],
      },
      {
        title: 'Firing alerts',
        kind: 'stat',
        width: 6,
        redFrom: 1,
        queries: [{ expr: `count(ALERTS{alertstate="firing", layer="${layer}"}) or vector(0)` }],
      },
    ],
  });
  return {
    uid: 'beelab-overview',
    title: `${site.name}: overview`,
    description: 'One row per layer: hosts up and down, failing health checks, firing alerts.',
    tags: ['beelab'],
    rows: [
      {
        title: 'Firing alerts',
        panels: [
          {
            title: 'Firing alerts by scenario',
            kind: 'table',
            width: 24,
            description: 'Each alert names its runbook: docs/runbooks/<scenario>.md',
            queries: [{ expr: 'ALERTS{alertstate="firing"}' }],
          },
        ],
      },
      ...layersOf(jobs).map(layerRow),
    ],
  };
}

function hosts(site: Site): Dashboard {
  const ts = (title: string, expr: string, unit: string, legend = '{{host}}'): Panel => ({
    title,
    kind: 'timeseries',
    unit,
    queries: [{ expr, legend }],
  });
  return {
    uid: 'beelab-hosts',
    title: `${site.name}: hosts`,
    description: 'Every host through its node exporter and its ping.',
    tags: ['beelab'],
    rows: [
      {
        title: 'Reachability',
        panels: [
          {
            title: 'Node exporter up',
            kind: 'table',
            width: 12,
            queries: [{ expr: `up{${NODE}}` }],
          },
          ts('Ping round trip', 'probe_duration_seconds{job="blackbox-icmp"}', 's'),
          ts('Ping failing', 'probe_success{job="blackbox-icmp"} == 0', 'short'),
        ],
      },
      {
        title: 'Resources',
        panels: [
          ts('CPU busy', `1 - avg by (host) (rate(node_cpu_seconds_total{mode="idle"}${R}))`, 'percentunit'),
          ts('Memory used', '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', 'percentunit'),
          ts(
            'Root filesystem used',
            '1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}',
            'percentunit',
          ),
          ts('Load (1 min)', 'node_load1', 'short'),
          ts(
            'Network received',
            `sum by (host) (rate(node_network_receive_bytes_total{device!="lo"}${R}))`,
            'Bps',
          ),
          ts(
            'Network sent',
            `sum by (host) (rate(node_network_transmit_bytes_total{device!="lo"}${R}))`,
            'Bps',
          ),
        ],
      },
    ],
  };
}

function backups(site: Site): Dashboard {
  return {
    uid: 'beelab-backups',
    title: `${site.name}: backups`,
    description: `Proxmox Backup Server: the age and verify state of every VM's newest snapshot (schedule "${site.backup.schedule}"), datastore usage.`,
    tags: ['beelab'],
    rows: [
      {
        title: 'Snapshots',
        panels: [
          {
            title: 'Age of the newest snapshot',
            kind: 'table',
            width: 12,
            unit: 's',
            queries: [{ expr: 'time() - pbs_snapshot_vm_last_timestamp' }],
          },
          {
            title: 'Newest snapshot failed its verify',
            kind: 'table',
            width: 12,
            queries: [{ expr: 'pbs_snapshot_vm_last_verify == 0' }],
          },
          {
            title: 'Snapshots per datastore',
            kind: 'timeseries',
            queries: [{ expr: 'pbs_snapshot_count', legend: '{{host}} {{datastore}}' }],
          },
        ],
      },
      {
        title: 'Servers',
        panels: [
          {
            title: 'Datastore used',
            kind: 'timeseries',
            unit: 'percentunit',
            queries: [{ expr: 'pbs_used / pbs_size', legend: '{{host}} {{datastore}}' }],
          },
          { title: 'API answering', kind: 'stat', redFrom: 0, queries: [{ expr: 'min(pbs_up)' }] },
        ],
      },
    ],
  };
}

function gateway(site: Site): Dashboard {
  return {
    uid: 'beelab-ai-gateway',
    title: `${site.name}: AI gateway`,
    description: 'The OpenAI-compatible gateway in front of the AI mesh: traffic, latency, backends, tokens.',
    tags: ['beelab'],
    rows: [
      {
        title: 'Traffic',
        panels: [
          {
            title: 'Requests by status',
            kind: 'timeseries',
            unit: 'reqps',
            queries: [
              { expr: `sum by (status) (rate(beelab_gateway_requests_total${R}))`, legend: '{{status}}' },
            ],
          },
          {
            title: 'Latency (p50, p95)',
            kind: 'timeseries',
            unit: 's',
            queries: [0.5, 0.95].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le) (rate(beelab_gateway_request_duration_seconds_bucket${R})))`,
              legend: `p${q * 100}`,
            })),
          },
          {
            title: 'In flight and queued',
            kind: 'timeseries',
            queries: [
              { expr: 'beelab_gateway_in_flight', legend: 'in flight' },
              { expr: 'beelab_gateway_queue_depth', legend: 'queued' },
            ],
          },
        ],
      },
      {
        title: 'Backends',
        panels: [
          {
            title: 'Backend up',
            kind: 'table',
            queries: [{ expr: 'beelab_gateway_backend_up' }],
          },
          {
            title: 'Attempts by backend and outcome',
            kind: 'timeseries',
            unit: 'reqps',
            queries: [
              {
                expr: `sum by (backend, outcome) (rate(beelab_gateway_upstream_attempts_total${R}))`,
                legend: '{{backend}} {{outcome}}',
              },
            ],
          },
          {
            title: 'Tokens',
            kind: 'timeseries',
            queries: [
              { expr: `sum by (model) (rate(beelab_gateway_tokens_total${R}))`, legend: '{{model}}' },
            ],
          },
        ],
      },
    ],
  };
}

function firewall(site: Site): Dashboard {
  const fw = `host="${site.firewall.host}"`;
  return {
    uid: 'beelab-firewall',
    title: `${site.name}: firewall`,
    description: `The firewall ${site.firewall.host} and what Prometheus reaches through it.`,
    tags: ['beelab'],
    rows: [
      {
        title: 'Firewall',
        panels: [
          {
            title: 'Answers ping',
            kind: 'stat',
            width: 6,
            queries: [{ expr: `probe_success{job="blackbox-icmp", ${fw}}` }],
          },
          { title: 'Node exporter up', kind: 'stat', width: 6, queries: [{ expr: `up{${NODE}, ${fw}}` }] },
          {
            title: 'Targets behind it failing',
            kind: 'stat',
            width: 6,
            redFrom: 1,
            description:
              'Everything Prometheus reaches through the firewall; all of them at once means the firewall.',
            queries: [{ expr: 'count(up{behind_firewall="true"} == 0) or vector(0)' }],
          },
          {
            title: 'Ping round trip',
            kind: 'stat',
            width: 6,
            unit: 's',
            queries: [{ expr: `probe_duration_seconds{job="blackbox-icmp", ${fw}}` }],
          },
        ],
      },
      {
        title: 'Interfaces',
        panels: [
          {
            title: 'Received per interface',
            kind: 'timeseries',
            width: 12,
            unit: 'Bps',
            queries: [{ expr: `rate(node_network_receive_bytes_total{${fw}}${R})`, legend: '{{device}}' }],
          },
          {
            title: 'Sent per interface',
            kind: 'timeseries',
            width: 12,
            unit: 'Bps',
            queries: [{ expr: `rate(node_network_transmit_bytes_total{${fw}}${R})`, legend: '{{device}}' }],
          },
        ],
      },
    ],
  };
}

/** The dashboards of the site, each only when a job scrapes what it shows. */
export function dashboards(site: Site, jobs: readonly ScrapeJob[]): Dashboard[] {
  const has = (job: string) => jobs.some((j) => j.job === job);
  const fwScraped = jobs.some((j) => j.targets.some((t) => t.labels.host === site.firewall.host));
  return [
    overview(site, jobs),
    ...(has(NODE_EXPORTER) ? [hosts(site)] : []),
    ...(has('pbs') ? [backups(site)] : []),
    ...(has(GATEWAY_JOB) ? [gateway(site)] : []),
    ...(fwScraped ? [firewall(site)] : []),
  ];
}
