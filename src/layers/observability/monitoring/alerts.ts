// The alert rules: one or more per failure scenario, each naming its scenario and its runbook, with the series
// that must fire it and a series that must not (rendered as promtool unit tests next to the rules). An alert
// exists only when a job of the site scrapes what its expression reads.
import type { Site } from '../../../site/types.ts';
import { type FailureSlug, runbookPath, runbookUrl } from '../failure-scenarios.ts';
import { backupMaxAgeSeconds } from './backup-age.ts';
import { type ScrapeJob, scrapeJobs } from './scrape-jobs.ts';

export type AlertSeverity = 'critical' | 'warning';
/** host: the machine itself is gone (silences its services' alerts); service: something on it. */
export type AlertLevel = 'host' | 'service';

export type Labels = Record<string, string>;

/** A series for a promtool unit test: `metric{labels}` and its values in promtool's notation (`0x60`). */
export interface TestSeries {
  metric: string;
  labels: Labels;
  values: string;
}

export interface AlertRule {
  alert: string;
  scenario: FailureSlug;
  severity: AlertSeverity;
  level: AlertLevel;
  expr: string;
  /** How long the condition holds before it fires, e.g. `2m`; `0m` fires at once. */
  for: string;
  /** Templates over `{{ $labels.NAME }}` only, so the unit test can expect their exact text. */
  summary: string;
  description: string;
  /** Jobs whose metrics the expression reads: the alert exists when the site scrapes one of them. */
  jobs: string[];
  test: {
    /** Series that fire it: the alert's labels are the first one's (minus __name__) unless `labels` says. */
    fire: TestSeries[];
    /** Series that must not fire it (healthy). */
    calm: TestSeries[];
    /** Labels of the firing alert beyond alertname, severity, scenario, level; default the first fire series'. */
    labels?: Labels;
    interval?: string;
    /** When to evaluate; default 30m. */
    at?: string;
  };
}

/** The labels every scraped series carries, as a node exporter target has them. */
function target(job: string, host: string, role: string, layer: string, vlan = 'mgmt'): Labels {
  return { job, instance: host, host, layer, role, vlan };
}

const HOST_LEVEL_ROLES = [
  'firewall',
  'pve_primary',
  'pve_compute',
  'pbs',
  'talos_controlplane',
  'k3s_server',
  'ai_head',
  'watchdog',
] as const;

const BY = 'host, layer, role, vlan, behind_firewall';

/** Down when its node exporter or its ping fails: the host-level signal for hosts of a role (`=` or `!~`). */
function hostDown(roleMatcher: string): string {
  return `min by (${BY}) (up{job="node-exporter", role${roleMatcher}} or probe_success{job="blackbox-icmp", role${roleMatcher}}) == 0`;
}

/** A host-level test: its exporter stops answering while ping still works; another host stays up. */
function hostDownTest(role: string, host: string, layer: string, calmHost: string): AlertRule['test'] {
  const t = (h: string) => target('node-exporter', h, role, layer);
  const icmp = (h: string) => ({
    ...target('blackbox-icmp', h, role, layer),
    instance: `10.0.0.${h.length}`,
  });
  const { job: _j, instance: _i, ...labels } = t(host);
  return {
    fire: [
      { metric: 'up', labels: t(host), values: '0x60' },
      { metric: 'probe_success', labels: icmp(host), values: '1x60' },
    ],
    calm: [
      { metric: 'up', labels: t(calmHost), values: '1x60' },
      { metric: 'probe_success', labels: icmp(calmHost), values: '1x60' },
    ],
    labels,
  };
}

function hostRule(
  alert: string,
  scenario: FailureSlug,
  roleMatcher: string,
  what: string,
  sample: { role: string; host: string; layer: string; calm: string },
  wait = '2m',
): AlertRule {
  return {
    alert,
    scenario,
    severity: 'critical',
    level: 'host',
    expr: hostDown(roleMatcher),
    for: wait,
    summary: `${what} {{ $labels.host }} is down`,
    description: `{{ $labels.host }} ({{ $labels.role }}, VLAN {{ $labels.vlan }}) has answered neither a scrape of its node exporter nor a ping for ${wait}.`,
    jobs: ['node-exporter', 'blackbox-icmp'],
    test: hostDownTest(sample.role, sample.host, sample.layer, sample.calm),
  };
}

function probeRule(
  alert: string,
  scenario: FailureSlug,
  severity: AlertSeverity,
  service: string,
  what: string,
): AlertRule {
  const l = (h: string) => ({
    ...target('blackbox-http', h, 'vip', 'orchestration', 'servers'),
    instance: `https://${h}:6443/readyz`,
    module: 'https_insecure_401',
    service,
  });
  return {
    alert,
    scenario,
    severity,
    level: 'service',
    expr: `probe_success{service="${service}"} == 0`,
    for: '3m',
    summary: `${what} does not answer on {{ $labels.host }}`,
    description: `The health probe {{ $labels.instance }} of ${service} has failed for 3 minutes.`,
    jobs: ['blackbox-http', 'blackbox-tcp', 'blackbox-https'],
    test: {
      fire: [{ metric: 'probe_success', labels: l('api-a'), values: '0x60' }],
      calm: [{ metric: 'probe_success', labels: l('api-b'), values: '1x60' }],
    },
  };
}

const DAY = 86400;

/**
 * The last snapshot of one VM is older than the threshold from the first evaluation on (its timestamp lies
 * before the epoch, so the test need not simulate days); the other VM was backed up at the epoch: fresh.
 */
function backupStaleTest(maxAge: number, pbs: (vm: string) => Labels): AlertRule['test'] {
  return {
    fire: [{ metric: 'pbs_snapshot_vm_last_timestamp', labels: pbs('100'), values: `-${maxAge + 3600}x60` }],
    calm: [{ metric: 'pbs_snapshot_vm_last_timestamp', labels: pbs('101'), values: '0x60' }],
  };
}

/** Every alert rule Beelab knows, before filtering by what the site scrapes. */
export function allAlertRules(site: Site): AlertRule[] {
  const maxAge = backupMaxAgeSeconds(site.backup.schedule);
  const pbs = (vm: string) => ({
    ...target('pbs', 'pbs1', 'pbs', 'backup'),
    datastore: 'backup',
    vm_id: vm,
    vm_name: `vm${vm}`,
  });
  const cert = (name: string) => ({
    ...target('blackbox-https', 'apps', 'reverse_proxy', 'orchestration', 'servers'),
    instance: `https://${name}/`,
    module: 'https_2xx',
    service: name,
  });
  const ups = target('nut', 'pve1', 'pve_primary', 'physical');
  // The production cluster's kube-state-metrics, scraped at its first control plane.
  const ksmProduction = {
    ...target('kube-state-metrics-production', 'talos-cp1', 'talos_controlplane', 'orchestration', 'servers'),
    cluster: 'production',
  };
  return [
    hostRule('HostDown', 'host-down', `!~"${HOST_LEVEL_ROLES.join('|')}"`, 'Host', {
      role: 'docker',
      host: 'apps',
      layer: 'orchestration',
      calm: 'monitor',
    }),
    {
      alert: 'ServiceDown',
      scenario: 'host-down',
      severity: 'warning',
      level: 'service',
      expr: 'probe_success{job=~"blackbox-http|blackbox-tcp|blackbox-https", service!~"kubernetes-api|k3s-api|ai-gateway"} == 0',
      for: '5m',
      summary: '{{ $labels.service }} on {{ $labels.host }} fails its health check',
      description: 'The probe {{ $labels.instance }} ({{ $labels.module }}) has failed for 5 minutes.',
      jobs: ['blackbox-http', 'blackbox-tcp', 'blackbox-https'],
      test: {
        fire: [
          {
            metric: 'probe_success',
            labels: {
              ...target('blackbox-http', 'monitor', 'prometheus', 'observability', 'servers'),
              instance: 'http://10.0.0.16:3000/api/health',
              module: 'http_2xx',
              service: 'grafana',
            },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'probe_success',
            labels: {
              ...target('blackbox-http', 'apps', 'docker', 'orchestration', 'servers'),
              instance: 'http://10.0.0.15:3000/api/health',
              module: 'http_2xx',
              service: 'forgejo',
            },
            values: '1x60',
          },
        ],
      },
    },
    hostRule(
      'FirewallDown',
      'firewall-down',
      '="firewall"',
      'The firewall',
      {
        role: 'firewall',
        host: 'fw',
        layer: 'network',
        calm: 'fw2',
      },
      '1m',
    ),
    hostRule('PveNodeDown', 'pve-node-down', '=~"pve_primary|pve_compute"', 'Proxmox VE node', {
      role: 'pve_compute',
      host: 'pve2',
      layer: 'physical',
      calm: 'pve3',
    }),
    {
      alert: 'PveNodeOffline',
      scenario: 'pve-node-down',
      severity: 'critical',
      level: 'service',
      expr: 'pve_up{id=~"node/.+"} == 0',
      for: '2m',
      summary: 'The Proxmox VE cluster reports {{ $labels.id }} offline',
      description:
        'Asked through {{ $labels.host }}, the cluster has seen {{ $labels.id }} offline for 2 minutes.',
      jobs: ['pve'],
      test: {
        fire: [
          {
            metric: 'pve_up',
            labels: { ...target('pve', 'pve1', 'pve_primary', 'physical'), id: 'node/pve2' },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'pve_up',
            labels: { ...target('pve', 'pve1', 'pve_primary', 'physical'), id: 'node/pve3' },
            values: '1x60',
          },
        ],
      },
    },
    {
      alert: 'PrimarySystemDiskReadOnly',
      scenario: 'primary-disk-failed',
      severity: 'critical',
      level: 'service',
      expr: 'node_filesystem_readonly{role="pve_primary", mountpoint="/"} == 1',
      for: '5m',
      summary: 'The system disk of the primary {{ $labels.host }} went read-only',
      description:
        'The root filesystem ({{ $labels.device }}) of {{ $labels.host }} has been read-only for 5 minutes: the kernel gave up writing to it.',
      jobs: ['node-exporter'],
      test: {
        fire: [
          {
            metric: 'node_filesystem_readonly',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              device: 'rpool/ROOT/pve-1',
              fstype: 'zfs',
              mountpoint: '/',
            },
            values: '1x60',
          },
        ],
        calm: [
          {
            metric: 'node_filesystem_readonly',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              device: 'tank',
              fstype: 'zfs',
              mountpoint: '/tank',
            },
            values: '0x60',
          },
        ],
      },
    },
    {
      alert: 'DiskSmartFailing',
      scenario: 'pool-disk-failed',
      severity: 'critical',
      level: 'service',
      expr: 'smartmon_device_smart_healthy == 0',
      for: '10m',
      summary: 'Disk {{ $labels.disk }} on {{ $labels.host }} fails its SMART health check',
      description:
        'smartctl reports {{ $labels.disk }} ({{ $labels.type }}) on {{ $labels.host }} as failing: replace it before the pool loses redundancy.',
      jobs: ['node-exporter'],
      test: {
        fire: [
          {
            metric: 'smartmon_device_smart_healthy',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              disk: '/dev/nvme1n1',
              type: 'nvme',
            },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'smartmon_device_smart_healthy',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              disk: '/dev/nvme2n1',
              type: 'nvme',
            },
            values: '1x60',
          },
        ],
      },
    },
    {
      alert: 'ZfsPoolDegraded',
      scenario: 'pool-disk-failed',
      severity: 'critical',
      level: 'service',
      expr: 'node_zfs_zpool_state{state=~"degraded|faulted|unavail|removed|suspended"} == 1',
      for: '1m',
      summary: 'ZFS pool {{ $labels.zpool }} on {{ $labels.host }} is {{ $labels.state }}',
      description:
        'Pool {{ $labels.zpool }} on {{ $labels.host }} has been {{ $labels.state }} for a minute: `zpool status -x {{ $labels.zpool }}` names the disk.',
      jobs: ['node-exporter'],
      test: {
        fire: [
          {
            metric: 'node_zfs_zpool_state',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              zpool: 'tank',
              state: 'degraded',
            },
            values: '1x60',
          },
        ],
        calm: [
          {
            metric: 'node_zfs_zpool_state',
            labels: {
              ...target('node-exporter', 'pve1', 'pve_primary', 'physical'),
              zpool: 'tank',
              state: 'online',
            },
            values: '1x60',
          },
        ],
      },
    },
    hostRule(
      'TalosControlPlaneDown',
      'talos-control-plane-down',
      '="talos_controlplane"',
      'Talos control plane',
      {
        role: 'talos_controlplane',
        host: 'talos-cp1',
        layer: 'orchestration',
        calm: 'talos-cp2',
      },
    ),
    probeRule(
      'KubernetesApiDown',
      'talos-control-plane-down',
      'critical',
      'kubernetes-api',
      'The production Kubernetes API',
    ),
    hostRule('K3sServerDown', 'k3s-server-down', '="k3s_server"', 'k3s server', {
      role: 'k3s_server',
      host: 'k3s-s1',
      layer: 'devops',
      calm: 'k3s-s2',
    }),
    probeRule('K3sApiDown', 'k3s-server-down', 'critical', 'k3s-api', 'The k3s API'),
    {
      alert: 'KubeNodeNotReady',
      scenario: 'k8s-node-not-ready',
      severity: 'warning',
      level: 'service',
      expr: 'kube_node_status_condition{condition="Ready", status="true"} == 0',
      for: '5m',
      summary: 'Kubernetes node {{ $labels.node }} of the {{ $labels.cluster }} cluster is NotReady',
      description:
        '{{ $labels.node }} has not been Ready for 5 minutes: `kubectl describe node {{ $labels.node }}` says why.',
      jobs: ['kube-state-metrics-production', 'kube-state-metrics-devops'],
      test: {
        fire: [
          {
            metric: 'kube_node_status_condition',
            labels: {
              ...ksmProduction,
              node: 'talos-w1',
              condition: 'Ready',
              status: 'true',
            },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'kube_node_status_condition',
            labels: {
              ...ksmProduction,
              node: 'talos-w2',
              condition: 'Ready',
              status: 'true',
            },
            values: '1x60',
          },
        ],
      },
    },
    {
      // KubeNodeNotReady reads kube-state-metrics: while it does not answer, a NotReady node goes unnoticed.
      alert: 'KubeStateMetricsDown',
      scenario: 'k8s-node-not-ready',
      severity: 'warning',
      level: 'service',
      expr: 'up{job=~"kube-state-metrics-.+"} == 0',
      for: '10m',
      summary:
        'kube-state-metrics of the {{ $labels.cluster }} cluster does not answer on {{ $labels.host }}',
      description:
        'Prometheus has not scraped kube-state-metrics (NodePort {{ $labels.instance }}) for 10 minutes: KubeNodeNotReady cannot fire for the {{ $labels.cluster }} cluster. `kubectl -n monitoring get pods,svc` says why.',
      jobs: ['kube-state-metrics-production', 'kube-state-metrics-devops'],
      test: {
        fire: [
          {
            metric: 'up',
            labels: {
              ...ksmProduction,
            },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'up',
            labels: {
              ...target('kube-state-metrics-devops', 'k3s-s1', 'k3s_server', 'devops', 'devops'),
              cluster: 'devops',
            },
            values: '1x60',
          },
        ],
      },
    },
    hostRule('AiHeadDown', 'ai-head-down', '="ai_head"', 'The AI head', {
      role: 'ai_head',
      host: 'ai-head',
      layer: 'ai',
      calm: 'ai-head2',
    }),
    probeRule('AiGatewayDown', 'ai-head-down', 'critical', 'ai-gateway', 'The AI gateway'),
    {
      alert: 'AiBackendDown',
      scenario: 'ai-backend-down',
      severity: 'warning',
      level: 'service',
      expr: 'beelab_gateway_backend_up == 0',
      for: '5m',
      summary: 'Model server {{ $labels.backend }} behind the AI gateway is down',
      description:
        'The gateway on {{ $labels.host }} has routed around {{ $labels.backend }} for 5 minutes: its health check fails.',
      jobs: ['ai-gateway-admin'],
      test: {
        fire: [
          {
            metric: 'beelab_gateway_backend_up',
            labels: {
              ...target('ai-gateway-admin', 'ai-head', 'ai_head', 'ai', 'ai'),
              backend: 'ai-2-ollama',
            },
            values: '0x60',
          },
        ],
        calm: [
          {
            metric: 'beelab_gateway_backend_up',
            labels: {
              ...target('ai-gateway-admin', 'ai-head', 'ai_head', 'ai', 'ai'),
              backend: 'ai-agent1-llamacpp',
            },
            values: '1x60',
          },
        ],
      },
    },
    hostRule('BackupServerDown', 'backup-server-down', '="pbs"', 'Backup server', {
      role: 'pbs',
      host: 'pbs1',
      layer: 'physical',
      calm: 'pbs2',
    }),
    {
      alert: 'BackupServerApiDown',
      scenario: 'backup-server-down',
      severity: 'critical',
      level: 'service',
      expr: 'pbs_up == 0',
      for: '5m',
      summary: 'Proxmox Backup Server on {{ $labels.host }} does not answer its API',
      description: 'The PBS exporter has failed to query {{ $labels.host }} for 5 minutes.',
      jobs: ['pbs'],
      test: {
        fire: [{ metric: 'pbs_up', labels: target('pbs', 'pbs1', 'pbs', 'backup'), values: '0x60' }],
        calm: [{ metric: 'pbs_up', labels: target('pbs', 'pbs2', 'pbs', 'backup'), values: '1x60' }],
      },
    },
    {
      alert: 'BackupStale',
      scenario: 'backup-stale',
      severity: 'warning',
      level: 'service',
      expr: `time() - pbs_snapshot_vm_last_timestamp > ${maxAge}`,
      for: '15m',
      summary:
        'The last backup of {{ $labels.vm_name }} ({{ $labels.vm_id }}) on {{ $labels.host }} is too old',
      description: `Backups run on "${site.backup.schedule}"; the newest snapshot of VM {{ $labels.vm_id }} in datastore {{ $labels.datastore }} is older than ${maxAge / 3600} hours.`,
      jobs: ['pbs'],
      test: backupStaleTest(maxAge, pbs),
    },
    {
      alert: 'BackupVerifyFailed',
      scenario: 'backup-stale',
      severity: 'warning',
      level: 'service',
      expr: 'pbs_snapshot_vm_last_verify == 0',
      for: '0m',
      summary:
        'The last backup of {{ $labels.vm_name }} ({{ $labels.vm_id }}) on {{ $labels.host }} failed its verify',
      description:
        'Proxmox Backup Server could not verify the newest snapshot of VM {{ $labels.vm_id }} in datastore {{ $labels.datastore }}: restore from an older one and re-run the backup.',
      jobs: ['pbs'],
      test: {
        fire: [{ metric: 'pbs_snapshot_vm_last_verify', labels: pbs('100'), values: '0x60' }],
        calm: [{ metric: 'pbs_snapshot_vm_last_verify', labels: pbs('101'), values: '1x60' }],
      },
    },
    hostRule(
      'WatchdogHostDown',
      'watchdog-down',
      '="watchdog"',
      'Pi watchdog',
      {
        role: 'watchdog',
        host: 'wd1',
        layer: 'observability',
        calm: 'wd2',
      },
      '5m',
    ),
    {
      alert: 'WatchdogDown',
      scenario: 'watchdog-down',
      severity: 'warning',
      level: 'service',
      expr: 'up{job="watchdog"} == 0',
      for: '5m',
      summary: 'The watchdog on {{ $labels.host }} does not answer',
      description:
        'The Beelab watchdog on {{ $labels.host }} has not served /metrics for 5 minutes: the machines it guards are not guarded.',
      jobs: ['watchdog'],
      test: {
        fire: [
          { metric: 'up', labels: target('watchdog', 'wd1', 'watchdog', 'observability'), values: '0x60' },
        ],
        calm: [
          { metric: 'up', labels: target('watchdog', 'wd2', 'watchdog', 'observability'), values: '1x60' },
        ],
      },
    },
    {
      alert: 'WatchdogGaveUp',
      scenario: 'watchdog-down',
      severity: 'critical',
      level: 'service',
      expr: 'beelab_watchdog_target_phase{phase="gave-up"} == 1',
      for: '0m',
      summary: 'The watchdog on {{ $labels.host }} gave up on {{ $labels.target }}',
      description:
        '{{ $labels.target }} stayed down through every power cycle the watchdog on {{ $labels.host }} may make: it needs a person.',
      jobs: ['watchdog'],
      test: {
        fire: [
          {
            metric: 'beelab_watchdog_target_phase',
            labels: {
              ...target('watchdog', 'wd1', 'watchdog', 'observability'),
              target: 'pve2',
              phase: 'gave-up',
            },
            values: '1x60',
          },
        ],
        calm: [
          {
            metric: 'beelab_watchdog_target_phase',
            labels: {
              ...target('watchdog', 'wd1', 'watchdog', 'observability'),
              target: 'pve3',
              phase: 'gave-up',
            },
            values: '0x60',
          },
        ],
      },
    },
    {
      alert: 'UpsOnBattery',
      scenario: 'power-failure',
      severity: 'warning',
      level: 'service',
      expr: 'network_ups_tools_ups_status{flag="OB"} == 1',
      for: '1m',
      summary: 'The UPS on {{ $labels.host }} is on battery',
      description: 'Mains power has been gone for a minute; the machines shut down at low battery.',
      jobs: ['nut'],
      test: {
        fire: [{ metric: 'network_ups_tools_ups_status', labels: { ...ups, flag: 'OB' }, values: '1x60' }],
        calm: [{ metric: 'network_ups_tools_ups_status', labels: { ...ups, flag: 'OL' }, values: '1x60' }],
      },
    },
    {
      alert: 'UpsBatteryLow',
      scenario: 'power-failure',
      severity: 'critical',
      level: 'service',
      expr: 'network_ups_tools_ups_status{flag="LB"} == 1',
      for: '0m',
      summary: 'The UPS on {{ $labels.host }} reports low battery: machines are shutting down',
      description: 'NUT orders the shutdown of every machine on this UPS now.',
      jobs: ['nut'],
      test: {
        fire: [{ metric: 'network_ups_tools_ups_status', labels: { ...ups, flag: 'LB' }, values: '1x60' }],
        calm: [{ metric: 'network_ups_tools_ups_status', labels: { ...ups, flag: 'OB' }, values: '1x60' }],
      },
    },
    {
      alert: 'CertificateExpiring',
      scenario: 'certificate-expiring',
      severity: 'warning',
      level: 'service',
      expr: `probe_ssl_earliest_cert_expiry{job="blackbox-https"} - time() < ${14 * DAY}`,
      for: '1h',
      summary: 'The certificate of {{ $labels.service }} expires within 14 days',
      description:
        'The certificate served for {{ $labels.instance }} by {{ $labels.host }} has not been renewed; it expires in under 14 days.',
      jobs: ['blackbox-https'],
      test: {
        at: '2h',
        fire: [
          {
            metric: 'probe_ssl_earliest_cert_expiry',
            labels: cert('photos.example.com'),
            values: `${7200 + 5 * DAY}x130`,
          },
        ],
        calm: [
          {
            metric: 'probe_ssl_earliest_cert_expiry',
            labels: cert('vault.example.com'),
            values: `${7200 + 60 * DAY}x130`,
          },
        ],
      },
    },
    {
      alert: 'CertificateExpiringSoon',
      scenario: 'certificate-expiring',
      severity: 'critical',
      level: 'service',
      expr: `probe_ssl_earliest_cert_expiry{job="blackbox-https"} - time() < ${3 * DAY}`,
      for: '10m',
      summary: 'The certificate of {{ $labels.service }} expires within 3 days',
      description:
        'The certificate served for {{ $labels.instance }} by {{ $labels.host }} expires in under 3 days: renewal has failed.',
      jobs: ['blackbox-https'],
      test: {
        fire: [
          {
            metric: 'probe_ssl_earliest_cert_expiry',
            labels: cert('photos.example.com'),
            values: `${1800 + DAY}x60`,
          },
        ],
        calm: [
          {
            metric: 'probe_ssl_earliest_cert_expiry',
            labels: cert('vault.example.com'),
            values: `${1800 + 5 * DAY}x60`,
          },
        ],
      },
    },
  ];
}

/** The alert rules of this site: those whose metrics some job scrapes. */
export function alertRules(site: Site, jobs: readonly ScrapeJob[]): AlertRule[] {
  const scraped = new Set(jobs.map((j) => j.job));
  return allAlertRules(site).filter((r) => r.jobs.some((j) => scraped.has(j)));
}

/** An alert's annotations: summary, description and its scenario's runbook (a link under `runbooks`, if given). */
export function annotations(r: AlertRule, runbooks?: string): Labels {
  return { summary: r.summary, description: r.description, runbook_url: runbookUrl(r.scenario, runbooks) };
}

/** The labels a rule adds to its alerts. */
export function ruleLabels(r: AlertRule): Labels {
  return { severity: r.severity, scenario: r.scenario, level: r.level };
}

/** One line per alert for docs and the failure-mode matrix: name, scenario, severity and what it watches. */
export interface AlertSummary {
  name: string;
  scenario: FailureSlug;
  severity: AlertSeverity;
  expr: string;
  summary: string;
  runbook: string;
}

/** The site's alerts as the failure-mode matrix and docs list them. */
export function alertSummaries(site: Site, jobs: readonly ScrapeJob[]): AlertSummary[] {
  return alertRules(site, jobs).map((r) => ({
    name: r.alert,
    scenario: r.scenario,
    severity: r.severity,
    expr: r.expr,
    summary: r.summary,
    runbook: runbookPath(r.scenario),
  }));
}

/** The site's alerts by name and scenario, for the runbooks and the failure-mode matrix. */
export function monitoringAlerts(site: Site): AlertSummary[] {
  return alertSummaries(site, scrapeJobs(site));
}
