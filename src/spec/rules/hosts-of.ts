// The hosts a spec names, with their paths, and the VMs the site will generate: what reference rules check against.
import { hostRequests } from '../../site/hosts.ts';
import type { Vlan } from '../../site/types.ts';
import type { SpecPath } from '../locate.ts';
import type { Spec } from '../schema.ts';

export interface WrittenHost {
  name: string;
  /** Path of the host's entry, e.g. ['nodes', 2]. */
  path: SpecPath;
  address?: string;
  mac?: string;
  macPath: SpecPath;
}

/** Every host entry the spec has, in file order: firewall, nodes, AI nodes, watchdogs. */
export function writtenHosts(spec: Spec): WrittenHost[] {
  const out: WrittenHost[] = [];
  const fw = spec.network?.firewall;
  out.push({
    name: fw?.name ?? 'fw',
    path: ['network', 'firewall'],
    macPath: ['network', 'firewall', 'mac'],
    ...(fw?.mac ? { mac: fw.mac } : {}),
  });
  for (const [i, n] of (spec.nodes ?? []).entries()) {
    out.push({
      name: n.name,
      path: ['nodes', i],
      macPath: ['nodes', i, 'nic', 'mac'],
      ...(n.address ? { address: n.address } : {}),
      ...(n.nic?.mac ? { mac: n.nic.mac } : {}),
    });
  }
  for (const [i, n] of (spec.ai?.nodes ?? []).entries()) {
    out.push({
      name: n.name,
      path: ['ai', 'nodes', i],
      macPath: ['ai', 'nodes', i, 'mac'],
      ...(n.address ? { address: n.address } : {}),
      ...(n.mac ? { mac: n.mac } : {}),
    });
  }
  for (const [i, w] of (spec.watchdogs ?? []).entries()) {
    out.push({
      name: w.name,
      path: ['watchdogs', i],
      macPath: ['watchdogs', i, 'mac'],
      ...(w.address ? { address: w.address } : {}),
      ...(w.mac ? { mac: w.mac } : {}),
    });
  }
  return out;
}

/** A stand-in VLAN list: host generation only needs VLAN names to run, not addresses. */
const PLACEHOLDER_VLANS: Vlan[] = [
  {
    name: 'mgmt',
    id: 10,
    purpose: 'management',
    cidr: '',
    prefix: 24,
    gateway: '',
    staticRange: ['', ''],
    vipRange: ['', ''],
    dhcp: true,
    internet: 'yes',
  },
];

/** Names of the VMs the site generates (talos-cp1, k3s-s1, apps, ...); a firewall VM is named by the user. */
export function generatedVmNames(spec: Spec): string[] {
  return hostRequests(spec, PLACEHOLDER_VLANS)
    .filter((h) => h.kind === 'vm' && !h.roles.includes('firewall'))
    .map((h) => h.name);
}

/** Every host name the site will have, generated ones included. */
export function allHostNames(spec: Spec): string[] {
  return hostRequests(spec, PLACEHOLDER_VLANS).map((h) => h.name);
}
