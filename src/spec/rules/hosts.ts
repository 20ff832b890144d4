// Rules over machines: node counts and roles, unique names, addresses, MACs and drives, storage layout.
import { pathText, type SpecPath } from '../locate.ts';
import { writtenHosts } from './hosts-of.ts';
import type { Finding, RuleContext } from './rule.ts';

const POOL_MIN: Record<string, number> = { single: 1, stripe: 1, mirror: 2, raidz1: 3, raidz2: 4 };

export function nodeRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const nodes = spec.nodes ?? [];
  if (nodes.length === 0) {
    return [
      {
        code: 'nodes/none',
        path: ['nodes'],
        message: 'nodes is empty: the site has no machine to run on',
        hint: 'add at least one node with role primary, or remove `nodes:` to take the tier default',
      },
    ];
  }
  const primaries = nodes.map((n, i) => [n, i] as const).filter(([n]) => n.role === 'primary');
  if (primaries.length === 0) {
    out.push({
      code: 'nodes/no-primary',
      path: ['nodes'],
      message: 'nodes has no node with role primary',
      hint: 'mark the first Proxmox VE node `role: primary`',
    });
  }
  for (const [, i] of primaries.slice(1)) {
    out.push({
      code: 'nodes/two-primaries',
      path: ['nodes', i, 'role'],
      message: `nodes[${i}].role "primary": only one node can be the primary`,
      hint: 'use role compute for the others',
    });
  }
  const seenDrive = new Map<string, string>();
  nodes.forEach((n, i) => {
    (n.drives ?? []).forEach((d, j) => {
      const where = `nodes[${i}].drives[${j}]`;
      const prev = seenDrive.get(d.id);
      if (prev)
        out.push({
          code: 'drive/duplicate',
          path: ['nodes', i, 'drives', j, 'id'],
          message: `${where}.id "${d.id}" is already used by ${prev}`,
          hint: 'a drive can belong to one node and one role; check the by-id serial',
        });
      else seenDrive.set(d.id, where);
      if (!d.id.startsWith('/dev/disk/by-id/')) {
        out.push({
          code: 'drive/unstable-id',
          severity: 'warning',
          path: ['nodes', i, 'drives', j, 'id'],
          message: `${where}.id "${d.id}" is not a /dev/disk/by-id path`,
          hint: 'names like /dev/sda change between boots; use `ls -l /dev/disk/by-id/` to find the stable name',
        });
      }
    });
  });
  const layoutName = spec.storage?.layout ?? 'mirror';
  const primary = primaries[0];
  if (primary) {
    const [node, i] = primary;
    const poolDrives = (node.drives ?? []).filter((d) => d.role === 'pool').length;
    const need = POOL_MIN[layoutName] ?? 1;
    if (node.drives && poolDrives < need) {
      out.push({
        code: 'storage/drives',
        path: ['nodes', i, 'drives'],
        message: `storage.layout "${layoutName}" needs ${need} pool drives on the primary ${node.name}, which has ${poolDrives}`,
        hint: 'add drives with role pool, or choose a layout that fits (single, mirror, raidz1, raidz2)',
      });
    }
  }
  return out;
}

/** Names, addresses and MACs must be unique across every host, generated VMs included. */
export function uniquenessRules({ spec, plan }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const written = writtenHosts(spec);
  const named = written.map((h) => ({ name: h.name, path: [...h.path, 'name'] as SpecPath }));
  for (const name of plan?.generatedVms ?? []) named.push({ name, path: [] });
  const seen = new Map<string, SpecPath>();
  for (const n of named) {
    const prev = seen.get(n.name);
    if (!prev) {
      seen.set(n.name, n.path);
      continue;
    }
    const a = prev.length ? pathText(prev) : 'a generated VM';
    out.push({
      code: 'host/duplicate-name',
      path: n.path.length ? n.path : prev,
      message: `host name "${n.name}" is used twice (${a} and ${n.path.length ? pathText(n.path) : 'a generated VM'})`,
      hint:
        n.path.length && prev.length
          ? 'rename one of them'
          : 'generated VMs are named talos-cp1, talos-w1, k3s-s1, k3s-a1, apps, monitor, backup, wazuh, tpot; rename yours',
    });
  }
  const addrs = written.flatMap((h) => (h.address ? [{ v: h.address, path: [...h.path, 'address'] }] : []));
  out.push(
    ...duplicates(
      addrs,
      'net/duplicate-address',
      'address',
      'give each host its own address, or omit it to have one allocated',
    ),
  );
  const macs = written.flatMap((h) => (h.mac ? [{ v: h.mac, path: h.macPath }] : []));
  out.push(
    ...duplicates(
      macs,
      'net/duplicate-mac',
      'MAC',
      'every NIC has its own MAC; copy it from the device label or `ip link`',
    ),
  );
  return out;
}

function duplicates(
  items: { v: string; path: SpecPath }[],
  code: string,
  what: string,
  hint: string,
): Finding[] {
  const seen = new Map<string, SpecPath>();
  const out: Finding[] = [];
  for (const it of items) {
    const prev = seen.get(it.v);
    if (prev)
      out.push({
        code,
        path: it.path,
        message: `${pathText(it.path)} ${what} "${it.v}" is already used by ${pathText(prev)}`,
        hint,
      });
    else seen.set(it.v, it.path);
  }
  return out;
}
