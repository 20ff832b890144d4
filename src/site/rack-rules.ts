// Rules over beelab.yaml `rack`: every item names a machine of the site (or says what it is), each machine is
// racked once, no two items share a U, none sticks out of the rack, and a rack height the user wrote holds the
// items Beelab places. The heights come from the Site's rack (the physical layer sizes each item), so an
// overlap through a default height is found too.
import { closest } from '../kernel/suggest.ts';
import type { SpecPath } from '../spec/locate.ts';
import type { Finding, RuleContext } from '../spec/rules/rule.ts';
import { RACK_HEIGHTS } from '../spec/schema.ts';
import type { SiteContribution } from './contribution.ts';
import type { Lock } from './lock.ts';
import { siteOf } from './spec-site.ts';
import type { Rack, RackItem, Site } from './types.ts';

const KINDS = 'patch-panel, switch, ups, pdu, shelf, blank or other';

const span = (u: number, height: number) => (height > 1 ? `U${u}-U${u + height - 1}` : `U${u}`);

/** Free spans of the rack, bottom up, from the items that lie inside it. */
function freeSpans(units: number, items: readonly RackItem[]): { from: number; to: number }[] {
  const used = new Set<number>();
  for (const it of items) for (let u = it.u; u < it.u + it.height; u++) used.add(u);
  const out: { from: number; to: number }[] = [];
  for (let u = 1; u <= units; u++) {
    if (used.has(u)) continue;
    const last = out.at(-1);
    if (last && last.to === u - 1) last.to = u;
    else out.push({ from: u, to: u });
  }
  return out;
}

function freeText(units: number, items: readonly RackItem[], height: number): string {
  const spans = freeSpans(units, items);
  const fits = spans.filter((s) => s.to - s.from + 1 >= height);
  if (fits.length > 0)
    return `free spans that hold ${height}U: ${fits.map((s) => span(s.from, s.to - s.from + 1)).join(', ')}`;
  return spans.length > 0
    ? `no free span holds ${height}U (free: ${spans.map((s) => span(s.from, s.to - s.from + 1)).join(', ')}); make the rack taller (rack.units) or move other items`
    : 'the rack is full: make it taller (rack.units) or take something out';
}

/** The names a rack item may use: machines of the site, never VMs (they run on a node). */
function nameFindings(ctx: RuleContext, site: Site): Finding[] {
  const devices = ctx.spec.rack?.devices ?? [];
  const hosts = new Map(site.hosts.map((h) => [h.name, h]));
  const machines = site.hosts.filter((h) => h.kind !== 'vm').map((h) => h.name);
  const out: Finding[] = [];
  const seen = new Map<string, string>();
  const check = (name: string, path: SpecPath, where: string, asItem: boolean, hasKind: boolean) => {
    const host = hosts.get(name);
    if (host?.kind === 'vm') {
      out.push({
        code: 'rack/vm',
        path,
        message: `${where} "${name}" is a VM${host.vm ? ` on ${host.vm.node}` : ''}, not a machine in the rack`,
        hint: host.vm ? `rack its node ${host.vm.node} instead` : 'rack the machine it runs on instead',
      });
      return;
    }
    if (!host && !(asItem && hasKind)) {
      const guess = closest(name, machines);
      out.push({
        code: 'rack/unknown-host',
        path,
        message: `${where} "${name}" is not a machine of this site`,
        hint: `${guess ? `did you mean \`${guess}\`? ` : ''}${asItem ? `a host is placed by its name (${machines.slice(0, 10).join(', ')}${machines.length > 10 ? ', ...' : ''}); for an item Beelab does not manage, say what it is with kind: ${KINDS}` : `a shelf holds machines of the site: ${machines.slice(0, 10).join(', ')}${machines.length > 10 ? ', ...' : ''}`}`,
      });
      return;
    }
    const prev = seen.get(name);
    if (prev) {
      out.push({
        code: 'rack/duplicate',
        path,
        message: `${where} "${name}" is already in the rack as ${prev}`,
        hint: 'a machine (or item) sits in one place: remove one of them',
      });
      return;
    }
    seen.set(name, where);
  };
  devices.forEach((d, i) => {
    if (typeof d?.name !== 'string') return;
    const at = `rack.devices[${i}]`;
    check(d.name, ['rack', 'devices', i, 'name'], at, true, d.kind !== undefined);
    const on = Array.isArray(d.hosts) ? d.hosts : [];
    if (on.length > 0 && hosts.has(d.name)) {
      out.push({
        code: 'rack/shelf',
        path: ['rack', 'devices', i, 'hosts'],
        message: `${at} "${d.name}" is a host itself, so it holds no other hosts`,
        hint: `put them on a shelf of their own: { name: shelf-1, kind: shelf, u: ..., hosts: [${on.join(', ')}] }`,
      });
      return;
    }
    on.forEach((h, j) => {
      if (typeof h === 'string')
        check(h, ['rack', 'devices', i, 'hosts', j], `${at}.hosts[${j}]`, false, false);
    });
  });
  return out;
}

/** Items in the rack's height, one per U; with the heights the Site gave them (written or by kind). */
function placementFindings(ctx: RuleContext, rack: Rack): Finding[] {
  const devices = ctx.spec.rack?.devices ?? [];
  const out: Finding[] = [];
  const units = rack.units;
  // Without rack.units the rack is as tall as its highest item needs, so only a written height is exceeded.
  const unitsText = `the ${units}U rack (rack.units)`;
  const placed = rack.items
    .filter((it) => it.device !== undefined && Number.isInteger(it.u) && Number.isInteger(it.height))
    .sort((a, b) => a.device! - b.device!);
  const items = placed.filter((it) => it.u >= 1);
  const inRack = items.filter((it) => it.u + it.height - 1 <= units);
  for (const it of placed.filter((x) => x.u < 1)) {
    const i = it.device!;
    out.push({
      code: 'rack/out-of-range',
      path: ['rack', 'devices', i, 'u'],
      message: `rack.devices[${i}] "${devices[i]?.name ?? it.name}" at u ${it.u} is below U1, the bottom of the rack`,
      hint: `U1 is the lowest U; move it up (${freeText(units, inRack, it.height)})`,
    });
  }
  const seenAt = new Map<number, RackItem>();
  for (const it of items) {
    const i = it.device!;
    const name = devices[i]?.name ?? it.name;
    const heightNote = devices[i]?.height === undefined ? `, ${it.height}U by default` : '';
    const top = it.u + it.height - 1;
    if (top > units) {
      out.push({
        code: 'rack/out-of-range',
        path: ['rack', 'devices', i, 'u'],
        message: `rack.devices[${i}] "${name}" at u ${it.u} takes ${span(it.u, it.height)}${heightNote}, above the top of ${unitsText}`,
        hint: `move it down (${freeText(units, inRack, it.height)}), or make the rack taller (rack.units: ${RACK_HEIGHTS.find((h) => h >= top) ?? top})`,
      });
      continue;
    }
    const clash = [...new Set(range(it.u, top).flatMap((u) => (seenAt.has(u) ? [seenAt.get(u)!] : [])))];
    if (clash.length > 0) {
      const shared = range(it.u, top).filter((u) => seenAt.has(u));
      const others = inRack.filter((o) => o !== it);
      out.push({
        code: 'rack/overlap',
        path: ['rack', 'devices', i, 'u'],
        message: `rack.devices[${i}] "${name}" (${span(it.u, it.height)}${heightNote}) shares ${shared.map((u) => `U${u}`).join(', ')} with ${clash.map((o) => `rack.devices[${o.device}] "${devices[o.device!]?.name ?? o.name}" (${span(o.u, o.height)})`).join(' and ')}: one item per U`,
        hint: `move one of them (${freeText(units, others, it.height)})${devices[i]?.height === undefined ? ', or give it its real height' : ''}`,
      });
      continue;
    }
    for (let u = it.u; u <= top; u++) seenAt.set(u, it);
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
}

/** A rack height the user wrote must hold what Beelab racks when they place nothing themselves. */
function heightFindings(ctx: RuleContext, rack: Rack): Finding[] {
  const units = ctx.spec.rack?.units;
  if (rack.placement !== 'derived' || typeof units !== 'number' || rack.needed <= units) return [];
  const sizes = rack.items.map((it) => `${it.name} ${it.height}U`).join(', ');
  return [
    {
      code: 'rack/too-small',
      path: ['rack', 'units'],
      message: `rack.units ${units}: the items Beelab racks for this site take ${rack.needed}U (${sizes})`,
      hint: `use rack.units: ${RACK_HEIGHTS.find((h) => h >= rack.needed) ?? rack.needed} (or leave it out for the smallest that fits), or place the items yourself with rack.devices`,
    },
  ];
}

/** The rack rules over the resolved Site, as one spec rule (see planRuleOptions). */
export function rackRules(
  ctx: RuleContext,
  contributions: readonly SiteContribution[],
  lock: Lock | undefined,
): Finding[] {
  if (!ctx.spec.rack) return [];
  const site = siteOf(contributions, ctx.spec, lock);
  if (!site?.rack) return [];
  if (site.rack.placement === 'derived') return heightFindings(ctx, site.rack);
  return [...nameFindings(ctx, site), ...placementFindings(ctx, site.rack)];
}
