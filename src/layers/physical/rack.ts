// The rack map as part of the Site: every U and what is in it. Derived from the site (patch panel and switch at
// the top, the UPS at the bottom, what a homelab admin would rack between them) unless beelab.yaml places the
// items itself (`rack.devices`). Never throws: a placement that does not fit is reported by the spec's rack
// rules (src/site/rack-rules.ts), which judge the items this returns.
import type { SiteContribution, SiteSlices } from '../../site/contribution.ts';
import type { Host, Rack, RackItem } from '../../site/types.ts';
import { RACK_HEIGHTS, type RackItemKind, type Spec } from '../../spec/schema.ts';

type SliceContext = Parameters<NonNullable<SiteContribution['slice']>>[0];

/** A height written in the model, as rack gear names it: "APC Smart-UPS 1500 RM 2U", "Dell R740 (2U)". */
const MODEL_HEIGHT = /(?:^|[\s(])([1-9]|1\d)\s?U(?:$|[\s),])/;

/** Mini PCs: 1U on a shelf or in a rack mount (Minisforum MS-01, Intel NUC, Lenovo Tiny, HP/Dell micro). */
const MINI_PC =
  /ms-01|ms-a\d|minisforum|beelink|\bnuc\b|\btiny\b|\bm\d{2,3}q\b|optiplex \S+ micro|elitedesk \S+ mini|prodesk \S+ mini|mini ?pc/i;

/** How many Macs a shelf holds (a Studio and minis side by side and stacked), and Pis a 1U Pi mount holds. */
export const MACS_PER_SHELF = 4;
export const PIS_PER_SHELF = 4;

/** Default height of the items Beelab does not manage. */
const KIND_HEIGHT: Record<RackItemKind, number> = {
  'patch-panel': 1,
  switch: 1,
  ups: 2,
  pdu: 1,
  shelf: 1,
  blank: 1,
  other: 1,
};

export const KIND_LABEL: Record<RackItemKind, string> = {
  'patch-panel': 'Patch panel',
  switch: 'Managed switch',
  ups: 'UPS',
  pdu: 'PDU',
  shelf: 'Shelf',
  blank: 'Blank panel',
  other: 'Other',
};

const OS_LABEL: Partial<Record<Host['os'], string>> = {
  opnsense: 'OPNsense appliance',
  pfsense: 'pfSense appliance',
  vyos: 'VyOS appliance',
  'proxmox-ve': 'Proxmox VE node',
  'proxmox-backup': 'Proxmox Backup Server',
  macos: 'Mac',
};

const PI_LABEL: Record<string, string> = {
  'pi-zero-2w': 'Raspberry Pi Zero 2 W',
  pi3: 'Raspberry Pi 3',
  pi4: 'Raspberry Pi 4',
  pi5: 'Raspberry Pi 5',
};

/** What a host is, for the map: its model as written, else what its kind and OS say. */
export function hostLabel(h: Host): string {
  if (h.model) return PI_LABEL[h.model] ?? h.model;
  if (h.roles.includes('firewall') && h.os === 'debian') return 'Linux firewall';
  if (h.roles.includes('pikvm')) return 'PiKVM';
  return OS_LABEL[h.os] ?? h.kind;
}

function modelHeight(model: string | undefined): number | undefined {
  const m = model ? MODEL_HEIGHT.exec(model) : null;
  return m ? Number(m[1]) : undefined;
}

/** How a host is racked: on its own (with its height), on a shelf of Macs or Pis, or not at all. */
type Mount = { own: number } | { shelf: 'mac' | 'pi' } | 'elsewhere';

function mountOf(h: Host): Mount {
  const written = modelHeight(h.model);
  if (h.kind === 'vm') return 'elsewhere';
  if (h.kind === 'physical') {
    if (written) return { own: written };
    // A Proxmox VE or security node is a mini PC such as the MS-01 on a 1U shelf; a backup server carries
    // 3.5" drives in a 2U box unless its model is a mini PC.
    return { own: h.nodeRole === 'backup' && !MINI_PC.test(h.model ?? '') ? 2 : 1 };
  }
  if (h.kind === 'mac') {
    const model = h.model ?? '';
    if (/macbook|imac/i.test(model)) return 'elsewhere';
    if (/mac pro/i.test(model)) return { own: written ?? 5 };
    return { shelf: 'mac' };
  }
  if (h.kind === 'pi' || h.roles.includes('pikvm')) return { shelf: 'pi' };
  if (h.roles.includes('firewall')) return { own: written ?? 1 };
  // Smart plugs sit behind the rack, the user's devices wherever they are: rack them with rack.devices.
  return 'elsewhere';
}

/** A shelf of Macs: 3U with a Mac Studio or more than three Macs (stacked minis), else 2U. */
function macShelfHeight(macs: Host[]): number {
  return macs.length > 3 || macs.some((m) => /studio/i.test(m.model ?? '')) ? 3 : 2;
}

/** Height of an item Beelab does not manage, from what stands on it. */
function freeItemHeight(kind: RackItemKind, on: Host[], spec: Spec): number {
  if (kind === 'ups') return modelHeight(spec.ups?.model) ?? KIND_HEIGHT.ups;
  if (on.some((h) => h.kind === 'mac')) return macShelfHeight(on.filter((h) => h.kind === 'mac'));
  return KIND_HEIGHT[kind];
}

/** Height of a host placed on its own by name. */
function hostHeight(h: Host): number {
  const mount = mountOf(h);
  if (typeof mount === 'object' && 'own' in mount) return mount.own;
  if (mount !== 'elsewhere' && mount.shelf === 'mac') return macShelfHeight([h]);
  return 1;
}

/** The smallest standard rack height that holds `needed` U, or `needed` itself beyond the largest. */
export function rackHeight(needed: number): number {
  return RACK_HEIGHTS.find((h) => h >= needed) ?? needed;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const numbered = (base: string, i: number, count: number) => (count > 1 ? `${base}-${i + 1}` : base);

/** The items Beelab racks for a site, top to bottom, without U numbers yet; the UPS last. */
function derivedItems(ctx: SliceContext): Omit<RackItem, 'u'>[] {
  const physical = ctx.hosts.filter((h) => mountOf(h) !== 'elsewhere');
  const own = (h: Host): Omit<RackItem, 'u'> => ({
    name: h.name,
    kind: 'host',
    height: hostHeight(h),
    label: hostLabel(h),
    hosts: [h.name],
  });
  const has = (role: Host['roles'][number]) => (h: Host) => h.roles.includes(role);
  const onOwn = physical.filter((h) => {
    const m = mountOf(h);
    return typeof m === 'object' && 'own' in m;
  });
  const taken = new Set<string>();
  const pick = (hosts: Host[]) => {
    const out: Host[] = [];
    for (const h of hosts) {
      if (taken.has(h.name)) continue;
      taken.add(h.name);
      out.push(h);
    }
    return out;
  };
  const firewall = pick(onOwn.filter(has('firewall')));
  const pve = pick([...onOwn.filter(has('pve_primary')), ...onOwn.filter(has('pve'))]);
  const backup = pick(onOwn.filter(has('pbs')));
  const security = pick(onOwn.filter(has('security_node')));
  const rest = pick(onOwn);
  const shelf = (kind: 'mac' | 'pi') =>
    physical.filter((h) => {
      const m = mountOf(h);
      return typeof m === 'object' && 'shelf' in m && m.shelf === kind;
    });
  const macShelves = chunks(shelf('mac'), MACS_PER_SHELF);
  const piShelves = chunks(shelf('pi'), PIS_PER_SHELF);
  const items: Omit<RackItem, 'u'>[] = [
    { name: 'patch-panel', kind: 'patch-panel', height: 1, label: KIND_LABEL['patch-panel'], hosts: [] },
    { name: 'switch', kind: 'switch', height: 1, label: KIND_LABEL.switch, hosts: [] },
    ...[...firewall, ...pve, ...backup, ...security, ...rest].map(own),
    ...macShelves.map((macs, i) => ({
      name: numbered('mac-shelf', i, macShelves.length),
      kind: 'shelf' as const,
      height: macShelfHeight(macs),
      label: 'Mac shelf',
      hosts: macs.map((m) => m.name),
    })),
    ...piShelves.map((pis, i) => ({
      name: numbered('pi-shelf', i, piShelves.length),
      kind: 'shelf' as const,
      height: 1,
      label: 'Raspberry Pi shelf',
      hosts: pis.map((p) => p.name),
    })),
  ];
  if (ctx.spec.ups?.enabled) {
    items.push({
      name: 'ups',
      kind: 'ups',
      height: freeItemHeight('ups', [], ctx.spec),
      label: ctx.spec.ups.model ?? KIND_LABEL.ups,
      hosts: [],
    });
  }
  return items;
}

/** Beelab's layout: the items stacked from the top down, the UPS (heavy) at U1, free U between. */
function derivedRack(ctx: SliceContext): Rack {
  const items = derivedItems(ctx);
  const needed = items.reduce((n, it) => n + it.height, 0);
  const units = Math.max(ctx.spec.rack?.units ?? rackHeight(needed), needed);
  const ups = items.at(-1)?.kind === 'ups' ? items.pop() : undefined;
  let top = units;
  const placed: RackItem[] = items.map((it) => {
    const u = top - it.height + 1;
    top = u - 1;
    return { ...it, u };
  });
  if (ups) placed.push({ ...ups, u: 1 });
  return { units, items: placed, placement: 'derived', needed, elsewhere: elsewhere(ctx.hosts, placed) };
}

/** The user's layout (rack.devices), item by item; what does not fit is the rack rules' to report. */
function placedRack(ctx: SliceContext, devices: NonNullable<NonNullable<Spec['rack']>['devices']>): Rack {
  const byName = new Map(ctx.hosts.map((h) => [h.name, h]));
  const items: RackItem[] = devices.map((d, i) => {
    const host = byName.get(d.name);
    const on = host ? [host] : (Array.isArray(d.hosts) ? d.hosts : []).flatMap((n) => byName.get(n) ?? []);
    const kind = d.kind ?? (host ? 'host' : 'other');
    const height =
      d.height ?? (host ? hostHeight(host) : freeItemHeight(kind === 'host' ? 'other' : kind, on, ctx.spec));
    const label =
      d.label ??
      (host ? hostLabel(host) : undefined) ??
      (kind === 'ups' ? ctx.spec.ups?.model : undefined) ??
      KIND_LABEL[kind === 'host' ? 'other' : kind];
    return {
      name: d.name,
      kind,
      u: d.u,
      height,
      label,
      hosts: host ? [host.name] : Array.isArray(d.hosts) ? [...d.hosts] : [],
      device: i,
    };
  });
  items.sort((a, b) => b.u + b.height - (a.u + a.height) || b.u - a.u || a.device! - b.device!);
  const needed = items.reduce((n, it) => Math.max(n, it.u + it.height - 1), 0);
  const units = ctx.spec.rack?.units ?? rackHeight(needed);
  return { units, items, placement: 'spec', needed, elsewhere: elsewhere(ctx.hosts, items) };
}

/** Machines of the site in no item: every host but VMs (which run on a node) that the rack does not hold. */
function elsewhere(hosts: readonly Host[], items: readonly RackItem[]): string[] {
  const racked = new Set(items.flatMap((it) => it.hosts));
  return hosts.filter((h) => h.kind !== 'vm' && !racked.has(h.name)).map((h) => h.name);
}

/**
 * The physical layer's `rack` slice of the Site: `...rackSlice(ctx)` in its `slice`. From beelab.yaml
 * `rack.devices` when the user placed the items, else derived from the site's machines.
 */
export function rackSlice(ctx: SliceContext): Pick<SiteSlices, 'rack'> {
  const devices = ctx.spec.rack?.devices;
  return { rack: devices ? placedRack(ctx, devices) : derivedRack(ctx) };
}
