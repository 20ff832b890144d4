// The observability layer's part of the Site: the monitor VM (Prometheus, Alertmanager, Grafana), node
// exporters on every host, the Pi watchdogs and the plugs or KVMs they switch, Site.observability and watchdogs.
import {
  type HostRequest,
  type Ordered,
  type SiteContribution,
  service,
  tcp,
  vmRequest,
} from '../../site/contribution.ts';
import type { Endpoint, Service } from '../../site/types.ts';
import { DEFAULTS } from '../../spec/defaults.ts';
import { hasNodeExporter, NODE_EXPORTER_PORT } from './node-exporter.ts';
import { watchdogRules } from './watchdogs/rules.ts';

export const WATCHDOG_METRICS_PORT = 9102;

export const observabilitySite: SiteContribution = {
  rules: watchdogRules,

  hosts({ spec, vlanFor, hypervisors }) {
    const mgmt = vlanFor('management');
    const out: Ordered<HostRequest>[] = [];
    const fwName = spec.network?.firewall?.name ?? DEFAULTS.firewall.name;
    // A relay named by host name (not an address) is a device of its own: a smart plug or a PiKVM.
    const relays = new Set<string>();
    for (const w of spec.watchdogs ?? []) {
      if (w.relayHost && !/^\d/.test(w.relayHost) && !relays.has(w.relayHost) && w.relayHost !== fwName) {
        relays.add(w.relayHost);
        out.push({
          order: 10,
          name: w.relayHost,
          kind: 'appliance',
          roles: [w.relay === 'pikvm' ? 'pikvm' : 'smart_plug'],
          layers: ['observability'],
          vlan: mgmt,
          os: 'debian',
          drives: [],
        });
      }
    }
    if (hypervisors) {
      out.push(
        vmRequest(
          40,
          'monitor',
          vlanFor('servers'),
          ['prometheus', 'alertmanager', 'grafana'],
          ['observability'],
          'debian',
          { cores: 2, memoryGb: 4, diskGb: 100 },
          'monitor',
        ),
      );
    }
    for (const w of spec.watchdogs ?? []) {
      out.push({
        order: 80,
        name: w.name,
        kind: 'pi',
        roles: ['watchdog'],
        layers: ['observability'],
        vlan: mgmt,
        os: 'raspberry-pi-os',
        drives: [],
        model: w.hardware ?? DEFAULTS.watchdog.hardware,
        ...(w.mac ? { mac: w.mac } : {}),
        ...(w.address ? { fixedAddress: w.address } : {}),
      });
    }
    return out;
  },

  services({ hosts, withRole, mgmt, monitor, domain }) {
    const out: Ordered<Service>[] = [];
    const mon = withRole('prometheus');
    if (mon.length > 0) {
      const web = { hosts: mon, consumer: mgmt };
      out.push(
        monitorService(50, web, {
          name: 'prometheus',
          description: 'Metrics and alert rules',
          port: 9090,
          healthPath: '/-/healthy',
          volume: '/var/lib/prometheus',
        }),
        monitorService(51, web, {
          name: 'alertmanager',
          description: 'Alert routing to the alert channels',
          port: 9093,
          healthPath: '/-/healthy',
          volume: '/var/lib/prometheus/alertmanager',
        }),
        monitorService(52, web, {
          name: 'grafana',
          description: 'Dashboards',
          port: 3000,
          healthPath: '/api/health',
          volume: '/var/lib/grafana',
          fqdn: `grafana.${domain}`,
        }),
      );
    }
    // Every host whose node exporter something installs (node-exporter.ts): the others are watched by ping.
    out.push(
      service(55, {
        name: 'node-exporter',
        kind: 'infra',
        layer: 'observability',
        description: 'Host metrics (node_exporter) on every host',
        hosts: hosts.filter(hasNodeExporter).map((h) => h.name),
        ports: [tcp('metrics', NODE_EXPORTER_PORT)],
        consumers: [monitor],
        metrics: { port: 'metrics', path: '/metrics' },
      }),
    );
    const pis = withRole('watchdog');
    if (pis.length > 0) {
      out.push(
        service(80, {
          name: 'watchdog',
          kind: 'infra',
          layer: 'observability',
          description: 'Beelab watchdog metrics on each Pi',
          hosts: pis,
          ports: [tcp('metrics', WATCHDOG_METRICS_PORT)],
          consumers: [monitor],
          metrics: { port: 'metrics', path: '/metrics' },
        }),
      );
    }
    return out;
  },

  slice({ spec, withRole, domain }) {
    const securityNode = withRole('wazuh_manager')[0];
    const honeypot = withRole('honeypot')[0];
    return {
      observability: {
        alerts: (spec.observability?.alerts ?? []).map((a) => ({
          type: a.type,
          target: a.target,
          severity: a.severity ?? DEFAULTS.alertSeverity,
          ...(a.layers ? { layers: a.layers } : {}),
        })),
        ...(spec.observability?.smtp
          ? {
              smtp: {
                smarthost: spec.observability.smtp.smarthost,
                from: spec.observability.smtp.from ?? `alertmanager@${domain}`,
                ...(spec.observability.smtp.username ? { username: spec.observability.smtp.username } : {}),
              },
            }
          : {}),
        ...(spec.observability?.runbooks ? { runbooks: spec.observability.runbooks } : {}),
        ...(securityNode ? { securityNode } : {}),
        ...(honeypot ? { honeypot } : {}),
        monitor: withRole('prometheus')[0] ?? '',
      },
      watchdogs: (spec.watchdogs ?? []).map((w) => ({
        host: w.name,
        relay: w.relay,
        ...(w.relayHost ? { relayHost: w.relayHost } : {}),
        ...(w.relay === 'gpio' ? { gpioPin: w.gpioPin ?? DEFAULTS.watchdog.gpioPin } : {}),
        targets: w.targets,
      })),
    };
  },
};

/**
 * One web service of the monitor VM (Prometheus, Alertmanager, Grafana): one HTTP port for the management
 * VLAN, its health path, its own /metrics and its data directory.
 */
function monitorService(
  order: number,
  on: { hosts: string[]; consumer: Endpoint },
  s: { name: string; description: string; port: number; healthPath: string; volume: string; fqdn?: string },
): Ordered<Service> {
  return service(order, {
    name: s.name,
    kind: 'infra',
    layer: 'observability',
    description: s.description,
    hosts: on.hosts,
    ports: [tcp('http', s.port)],
    consumers: [on.consumer],
    health: { port: 'http', path: s.healthPath },
    metrics: { port: 'http', path: '/metrics' },
    volumes: [s.volume],
    ...(s.fqdn ? { fqdn: s.fqdn } : {}),
  });
}
