// The user's own devices, services and flows from beelab.yaml as a Site contribution: they join the same
// host list, catalog and flows as every layer's, so policy, DNS, status and docs follow without more code.
import type { EndpointSpec, OwnFlowSpec } from '../spec/own.ts';
import type { HostRequest, Ordered, SiteContribution } from './contribution.ts';
import { service } from './contribution.ts';
import type { Endpoint, Flow } from './types.ts';

/** Where devices stand among the hosts, and own services in the catalog: after everything the layers add. */
const DEVICE_ORDER = 90;
const SERVICE_ORDER = 200;

/** The Site endpoint of what the user wrote; a VLAN endpoint carries the reason given for it. */
export function endpointOf(e: EndpointSpec, because?: string): Endpoint {
  if (e === 'tailnet') return { kind: 'tailnet' };
  if ('vlan' in e) return { kind: 'vlan', vlan: e.vlan, ...(because ? { because } : {}) };
  if ('host' in e) return { kind: 'host', host: e.host };
  if ('vip' in e) return { kind: 'vip', vip: e.vip };
  return { kind: 'role', role: e.role as Extract<Endpoint, { kind: 'role' }>['role'] };
}

/** Readable text of an endpoint in a flow id, e.g. `vlan:clients` or `nas`. */
function endpointText(e: EndpointSpec): string {
  if (e === 'tailnet') return 'tailnet';
  if ('vlan' in e) return `vlan:${e.vlan}`;
  if ('host' in e) return e.host;
  if ('vip' in e) return `vip:${e.vip}`;
  return `role:${e.role}`;
}

/** One Site flow per user flow; its id names the spec entry so a policy rule leads back to beelab.yaml. */
export function ownFlow(f: OwnFlowSpec, index: number): Flow {
  const ports = f.protocol === 'icmp' ? [] : [...new Set(f.ports ?? [])].sort((a, b) => a - b);
  return {
    id: `flows[${index}]:${endpointText(f.from)}->${endpointText(f.to)}/${f.protocol}`,
    service: `flows[${index}]`,
    from: endpointOf(f.from, f.why),
    to: endpointOf(f.to),
    protocol: f.protocol,
    ports,
    why: f.why,
  };
}

export const ownSite: SiteContribution = {
  hosts({ spec }) {
    return (spec.devices ?? []).map(
      (d): Ordered<HostRequest> => ({
        order: DEVICE_ORDER,
        name: d.name,
        kind: 'appliance',
        roles: ['device'],
        layers: ['network'],
        vlan: d.vlan,
        os: 'other',
        drives: [],
        ...(d.description ? { model: d.description } : {}),
        ...(d.mac ? { mac: d.mac } : {}),
        ...(d.address ? { fixedAddress: d.address } : {}),
      }),
    );
  },

  services({ spec, domain, mgmt }) {
    return (spec.services ?? []).map((s) =>
      service(SERVICE_ORDER, {
        name: s.name,
        kind: 'own',
        layer: 'network',
        description: s.description,
        hosts: [s.host],
        ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'tcp' })),
        consumers: s.consumers ? s.consumers.map((c) => endpointOf(c, s.why)) : [mgmt],
        ...(s.dns ? { fqdn: `${s.name}.${domain}` } : {}),
        volumes: s.volumes ?? [],
        ...(s.health ? { health: s.health } : {}),
        ...(s.metrics ? { metrics: s.metrics } : {}),
      }),
    );
  },

  flows({ spec }) {
    return (spec.flows ?? []).map(ownFlow);
  },
};
