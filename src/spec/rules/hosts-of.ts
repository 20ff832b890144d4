// The hosts a spec names, with their paths: what uniqueness and reference rules check against.
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

/** Every host entry the spec has, in file order: firewall, nodes, AI nodes, watchdogs, devices. */
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
  for (const [i, d] of (spec.devices ?? []).entries()) {
    out.push({
      name: d.name,
      path: ['devices', i],
      macPath: ['devices', i, 'mac'],
      ...(d.address ? { address: d.address } : {}),
      ...(d.mac ? { mac: d.mac } : {}),
    });
  }
  return out;
}
