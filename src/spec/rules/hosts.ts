// Rules over machines: node counts and roles, unique names, addresses, MACs and drives, storage layout.
import { DEFAULTS } from '../defaults.ts';
import { checkDriveId, checkLayoutDrives, LAYOUT_MIN_DRIVES } from '../fields.ts';
import { pathText, type SpecPath } from '../locate.ts';
import type { NodeSpec } from '../schema.ts';
import { writtenHosts } from './hosts-of.ts';
import type { Finding, RuleContext } from './rule.ts';

export function nodeRules(ctx: RuleContext): Finding[] {
  const { spec } = ctx;
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
  out.push(...driveFindings(nodes), ...poolLayoutFindings(ctx));
  return out;
}

/**
 * Drives by stable id, each in one place with one role: a kernel name (/dev/sda) changes between boots, and a
 * drive listed twice would be wiped for a second purpose.
 */
function driveFindings(nodes: readonly NodeSpec[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, { where: string; node: number; role: string }>();
  nodes.forEach((n, i) => {
    (Array.isArray(n?.drives) ? n.drives : []).forEach((d, j) => {
      if (typeof d?.id !== 'string') return;
      const where = `nodes[${i}].drives[${j}]`;
      const path: SpecPath = ['nodes', i, 'drives', j, 'id'];
      const problem = checkDriveId(d.id);
      if (problem) {
        const byId = d.id.startsWith('/dev/disk/by-id/');
        out.push({
          code: 'drive/unstable-id',
          path,
          message: `${where}.id ${problem}`,
          hint: byId
            ? 'copy the name exactly as `ls -l /dev/disk/by-id/` lists it (letters, digits and . _ : + @ -)'
            : `kernel names (/dev/sda, /dev/nvme0n1) change between boots and /dev/disk/by-path or by-uuid name a port or a filesystem, not the disk: run \`ls -l /dev/disk/by-id/\` on ${n.name ?? 'the node'} and write the ata-, nvme- or wwn- entry that links to this disk`,
        });
      }
      const prev = seen.get(d.id);
      if (!prev) {
        seen.set(d.id, { where, node: i, role: d.role });
        return;
      }
      if (prev.role !== d.role) {
        out.push({
          code: 'drive/two-roles',
          path,
          message: `${where}.id "${d.id}" is listed with role ${d.role}, and as ${prev.where} with role ${prev.role}: a drive has one role`,
          hint:
            prev.node === i
              ? 'remove one of the two entries, or correct the by-id serial of the other drive'
              : 'a drive sits in one node and has one role; check the by-id serials',
        });
      } else {
        out.push({
          code: 'drive/duplicate',
          path,
          message: `${where}.id "${d.id}" is already used by ${prev.where}`,
          hint: 'a drive can belong to one node and one role; check the by-id serial',
        });
      }
    });
  });
  return out;
}

/**
 * Every Proxmox VE node that has pool drives builds the pool in storage.layout, so the layout must be one its
 * drives can make; the primary holds the pool the NFS export and the sync overlay serve, so it needs them.
 */
function poolLayoutFindings({ spec, written }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const layout = spec.storage?.layout ?? DEFAULTS.storage.layout;
  if (!(layout in LAYOUT_MIN_DRIVES)) return out;
  (spec.nodes ?? []).forEach((n, i) => {
    if (n?.role !== 'primary' && n?.role !== 'compute') return;
    if (!Array.isArray(n.drives)) return;
    const pool = n.drives.filter((d) => d?.role === 'pool').length;
    if (pool === 0 && n.role !== 'primary') return;
    const problem = checkLayoutDrives(layout, pool, n.name);
    if (!problem) return;
    const drivesPath: SpecPath = ['nodes', i, 'drives'];
    out.push({
      code: 'storage/drives',
      path: written(drivesPath) || !written(['storage', 'layout']) ? drivesPath : ['storage', 'layout'],
      message: `storage.layout "${layout}" on nodes[${i}] ${n.name}: ${problem}`,
      hint: `every Proxmox VE node with pool drives builds the pool ${spec.storage?.pool ?? DEFAULTS.storage.pool} in storage.layout: add drives with role pool to ${n.name}, or choose a layout its drives can make (single: 1 drive, mirror: 2, 4, ..., raidz1: 3 or more, raidz2: 4 or more, stripe: any)`,
    });
  });
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
