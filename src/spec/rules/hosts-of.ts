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
  const fw = spec.network?.firewall;
  return [
    {
      name: fw?.name ?? 'fw',
      path: ['network', 'firewall'],
      macPath: ['network', 'firewall', 'mac'],
      ...(fw?.mac ? { mac: fw.mac } : {}),
    },
    ...listed(
      ['nodes'],
      (spec.nodes ?? []).map((n) => ({ name: n.name, address: n.address, mac: n.nic?.mac })),
      ['nic', 'mac'],
    ),
    ...listed(['ai', 'nodes'], spec.ai?.nodes),
    ...listed(['watchdogs'], spec.watchdogs),
    ...listed(['devices'], spec.devices),
  ];
}

/** The hosts of one list in the spec, each at `[...list, i]` with its MAC at `[...list, i, ...macKey]`. */
function listed(
  list: SpecPath,
  entries: readonly { name: string; address?: string | undefined; mac?: string | undefined }[] | undefined,
  macKey: SpecPath = ['mac'],
): WrittenHost[] {
  return (entries ?? []).map((e, i) => ({
    name: e.name,
    path: [...list, i],
    macPath: [...list, i, ...macKey],
    ...(e.address ? { address: e.address } : {}),
    ...(e.mac ? { mac: e.mac } : {}),
  }));
}
