// docs/rack.md and docs/rack.svg: every U of the rack, the item in it, and each host's name, role and address.
// Pure and deterministic, from the Site's rack (src/layers/physical/rack.ts).
import type { Host, Rack, RackItem, Site } from '../../site/types.ts';
import { RACK_HEIGHTS } from '../../spec/schema.ts';
import { code, doc, table } from '../markdown.ts';
import { esc, PALETTE_CSS, svgText } from '../svg.ts';
import { KIND_LABEL } from './rack.ts';

export const RACK_MD_PATH = 'docs/rack.md';
export const RACK_SVG_PATH = 'docs/rack.svg';

export const PLATFORM: Record<Site['firewall']['platform'], string> = {
  opnsense: 'OPNsense',
  pfsense: 'pfSense',
  vyos: 'VyOS',
  linux: 'Linux nftables',
};

/** What a host does, in a few words. */
export function roleText(site: Site, h: Host): string {
  const parts: string[] = [];
  const r = (role: Host['roles'][number]) => h.roles.includes(role);
  if (r('firewall')) parts.push(`firewall (${PLATFORM[site.firewall.platform]})`);
  if (r('pve_primary')) parts.push('Proxmox VE primary');
  else if (r('pve_compute')) parts.push('Proxmox VE compute');
  if (r('pbs'))
    parts.push(
      `Proxmox Backup Server${site.backup.primary === h.name ? ' (primary)' : site.backup.mirror === h.name ? ' (mirror)' : ''}`,
    );
  if (r('security_node')) parts.push('security node (Wazuh)');
  if (r('ai_head')) parts.push('AI head (gateway)');
  if (r('ai_secondary')) parts.push('AI secondary');
  if (r('ai_agent')) parts.push('AI agent');
  if (r('watchdog')) parts.push('watchdog');
  if (r('pikvm')) parts.push('PiKVM');
  if (r('smart_plug')) parts.push('smart plug');
  if (r('device')) parts.push('device');
  if (site.storage.host === h.name) parts.push(`ZFS pool ${site.storage.pool}`);
  if (site.ups?.host === h.name) parts.push('NUT server');
  return parts.length > 0 ? parts.join(', ') : (h.roles[0] ?? h.kind);
}

/** What an item Beelab does not manage is for, when the site says. */
function itemRole(site: Site, it: RackItem): string {
  if (it.kind === 'switch' && it.hosts.length === 0) {
    const tags = site.vlans.map((v) => v.id).join(', ');
    return `VLANs ${tags} trunked to ${site.firewall.host} (${site.firewall.trunk})`;
  }
  if (it.kind === 'ups' && site.ups) return `UPS, USB to ${site.ups.host} (NUT server)`;
  return '';
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const LARGEST = RACK_HEIGHTS[RACK_HEIGHTS.length - 1]!;

const span = (it: RackItem) => (it.height > 1 ? `U${it.u}–U${it.u + it.height - 1}` : `U${it.u}`);

/** Free U, bottom up, as spans: "U3–U5, U9". */
function freeSpans(rack: Rack): string[] {
  const used = new Set<number>();
  for (const it of rack.items) for (let u = it.u; u < it.u + it.height; u++) used.add(u);
  const out: string[] = [];
  let start: number | undefined;
  for (let u = 1; u <= rack.units + 1; u++) {
    const free = u <= rack.units && !used.has(u);
    if (free && start === undefined) start = u;
    if (!free && start !== undefined) {
      out.push(u - 1 > start ? `U${start}–U${u - 1}` : `U${start}`);
      start = undefined;
    }
  }
  return out;
}

/** Which item covers each U, top first (the top item when two overlap, which the rack rules report). */
function byUnit(rack: Rack): Map<number, RackItem> {
  const out = new Map<number, RackItem>();
  for (const it of rack.items)
    for (let u = it.u; u < it.u + it.height; u++)
      if (!out.has(u) && u >= 1 && u <= rack.units) out.set(u, it);
  return out;
}

/** The `rack:` block that pins a derived layout: paste it into beelab.yaml to place items yourself. */
function pinBlock(site: Site, rack: Rack): string {
  const lines = rack.items.map((it) => {
    const fields = [`name: ${it.name}`];
    if (it.kind !== 'host') fields.push(`kind: ${it.kind}`);
    fields.push(`u: ${it.u}`);
    if (it.height > 1) fields.push(`height: ${it.height}`);
    if (it.kind !== 'host') {
      const plain = it.kind === 'ups' ? (site.ups?.model ?? KIND_LABEL.ups) : KIND_LABEL[it.kind];
      if (it.label !== plain) fields.push(`label: ${JSON.stringify(it.label)}`);
      if (it.hosts.length > 0) fields.push(`hosts: [${it.hosts.join(', ')}]`);
    }
    return `    - { ${fields.join(', ')} }`;
  });
  return ['```yaml', 'rack:', `  units: ${rack.units}`, '  devices:', ...lines, '```'].join('\n');
}

export function renderRackMd(site: Site): string {
  const rack = site.rack;
  const hosts = new Map(site.hosts.map((h) => [h.name, h]));
  const units = byUnit(rack);
  const rows: string[][] = [];
  for (let u = rack.units; u >= 1; u--) {
    const it = units.get(u);
    if (!it) {
      rows.push([String(u), 'free', '', '', '']);
      continue;
    }
    const top = Math.min(it.u + it.height - 1, rack.units);
    if (u !== top) {
      rows.push([String(u), `↑ ${it.label} (${span(it)})`, '', '', '']);
      continue;
    }
    const on = it.hosts.map((n) => hosts.get(n)).filter((h): h is Host => h !== undefined);
    const what = it.height > 1 ? `${it.label} (${it.height}U, ${span(it)})` : it.label;
    if (on.length === 0) {
      rows.push([String(u), what, it.kind === 'host' ? code(it.name) : it.name, itemRole(site, it), '']);
      continue;
    }
    rows.push([
      String(u),
      what,
      on.map((h) => code(h.name)).join('<br>'),
      on.map((h) => roleText(site, h)).join('<br>'),
      on.map((h) => code(h.address)).join('<br>'),
    ]);
  }
  const used = rack.items.reduce((n, it) => n + it.height, 0);
  const free = freeSpans(rack);
  const elsewhere = rack.elsewhere.map((n) => hosts.get(n)).filter((h): h is Host => h !== undefined);
  const source =
    rack.placement === 'spec'
      ? 'Placed as beelab.yaml `rack.devices` says.'
      : 'Derived from the site: patch panel and switch at the top, then the firewall, the Proxmox VE nodes, the backup servers, the security node, the Macs and the Pis on shelves, and the UPS at the bottom. To place items yourself, copy the `rack:` block at the end into beelab.yaml and edit it.';
  return doc([
    `# Rack of ${site.name}`,
    `Generated by Beelab from beelab.yaml — do not edit. A ${rack.units}U rack, U1 at the bottom. ${source}`,
    [
      `- ${used} of ${rack.units}U used; free: ${free.length > 0 ? free.join(', ') : 'none'}`,
      `- ${plural(rack.items.length, 'item')}, ${plural(
        rack.items.reduce((n, it) => n + it.hosts.length, 0),
        'host',
      )} in the rack`,
      ...(rack.units > LARGEST
        ? [
            `- Taller than the largest standard rack (${LARGEST}U): drawn as one column, it fills ${Math.ceil(rack.units / 42)} 42U racks`,
          ]
        : []),
      ...(site.ups ? [`- UPS: ${site.ups.model ?? 'model not given'}, USB to \`${site.ups.host}\``] : []),
    ].join('\n'),
    `## Elevation\n\nOne row per U, top to bottom. Addresses are on the host's VLAN; every other detail is in [inventory.md](inventory.md).\n\n${table(['U', 'item', 'name', 'role', 'address'], rows)}`,
    elsewhere.length === 0
      ? ''
      : `## Not in the rack\n\n${table(
          ['name', 'what', 'role', 'address'],
          elsewhere.map((h) => [code(h.name), h.model ?? h.kind, roleText(site, h), code(h.address)]),
        )}`,
    rack.placement === 'derived' ? `## Pin this layout\n\n${pinBlock(site, rack)}` : '',
  ]);
}

// --- SVG --------------------------------------------------------------------------------------------------

/** Layout in px: one U is UNIT tall, the rack's inside is INNER wide between the rails. */
const UNIT = 24;
const RAIL = 32;
const INNER = 760;
const MARGIN = 16;
const HEAD = 44;
const LINE = 13;
const LABEL_WIDTH = 270;

/** The colour class of an item: what it is for. */
function category(site: Site, it: RackItem): string {
  const hosts = it.hosts.map((n) => site.hosts.find((h) => h.name === n)).filter((h) => h !== undefined);
  const first = hosts[0];
  if (it.kind === 'patch-panel' || it.kind === 'switch') return 'network';
  if (it.kind === 'ups' || it.kind === 'pdu') return 'power';
  if (it.kind === 'blank') return 'blank';
  if (!first) return 'other';
  const r = (role: Host['roles'][number]) => first.roles.includes(role);
  if (r('firewall')) return 'network';
  if (r('pve')) return 'compute';
  if (r('pbs')) return 'backup';
  if (r('security_node')) return 'security';
  if (first.kind === 'mac' || r('ai')) return 'ai';
  if (first.kind === 'pi' || r('pikvm') || r('watchdog')) return 'pi';
  return 'other';
}

/** The diagrams' palette and what only the rack draws: U numbers, the frame, the empty slots. */
const STYLE = `${PALETTE_CSS}
.u { font-size: 10px; font-variant-numeric: tabular-nums; fill: #59636e; }
.frame { fill: #d1d9e0; stroke: #59636e; stroke-width: 1.5; }
.slot { fill: #f6f8fa; stroke: #d1d9e0; }
.item { stroke-width: 1.2; }
@media (prefers-color-scheme: dark) {
  .u { fill: #9198a1; }
  .frame { fill: #262c36; stroke: #9198a1; }
  .slot { fill: #151b23; stroke: #3d444d; }
}
`;

/** A line of text; squeezed to `width` when it would run past it, so text never leaves its box. */
function text(x: number, y: number, s: string, width: number, cls?: string, anchor?: 'end'): string {
  return svgText(x, y, s, width, { ...(cls ? { cls } : {}), ...(anchor ? { anchor } : {}) });
}

/** The host lines of an item, in as many columns as its height needs. */
function hostLines(site: Site, it: RackItem, x: number, top: number, width: number): string[] {
  const hosts = it.hosts.map((n) => site.hosts.find((h) => h.name === n)).filter((h) => h !== undefined);
  const lines =
    hosts.length > 0
      ? hosts.map((h) => `${h.name} · ${roleText(site, h)} · ${h.address}`)
      : [it.kind === 'host' ? it.name : itemRole(site, it)].filter((s) => s !== '');
  if (lines.length === 0) return [];
  const height = it.height * UNIT;
  const perColumn = Math.max(1, Math.floor((height - 6) / LINE));
  const columns = Math.ceil(lines.length / perColumn);
  const colWidth = width / columns;
  const rowsUsed = Math.min(lines.length, perColumn);
  const first = top + height / 2 - ((rowsUsed - 1) * LINE) / 2 + 4;
  return lines.map((line, i) => {
    const col = Math.floor(i / perColumn);
    const row = i % perColumn;
    return text(x + col * colWidth, first + row * LINE, line, colWidth - 8);
  });
}

export function renderRackSvg(site: Site): string {
  const rack = site.rack;
  const hosts = new Map(site.hosts.map((h) => [h.name, h]));
  const elsewhere = rack.elsewhere.map((n) => hosts.get(n)).filter((h): h is Host => h !== undefined);
  const width = MARGIN * 2 + RAIL * 2 + INNER;
  const rackTop = MARGIN + HEAD;
  const rackHeight = rack.units * UNIT;
  const footer = elsewhere.length > 0 ? 24 + elsewhere.length * 16 : 0;
  const height = rackTop + rackHeight + 8 + footer + MARGIN;
  const left = MARGIN + RAIL;
  const yOf = (u: number) => rackTop + (rack.units - u) * UNIT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="rack-title rack-desc">`,
    `<title id="rack-title">Rack of ${esc(site.name)}: ${rack.units}U</title>`,
    `<desc id="rack-desc">Every U of the ${rack.units}U rack from U${rack.units} at the top to U1 at the bottom, with the item in it and each host's name, role and address.</desc>`,
    `<style>${STYLE}</style>`,
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`,
    text(
      MARGIN,
      MARGIN + 16,
      `${site.name} — ${rack.units}U rack (${rack.placement === 'spec' ? 'placed in beelab.yaml' : 'derived from the site'})`,
      width - 2 * MARGIN,
      'title',
    ),
    text(
      MARGIN,
      MARGIN + 32,
      'U1 at the bottom; name · role · address of every host; generated by Beelab, do not edit',
      width - 2 * MARGIN,
      'muted',
    ),
    `<rect class="frame" x="${MARGIN}" y="${rackTop - 4}" width="${RAIL * 2 + INNER}" height="${rackHeight + 8}" rx="4"/>`,
  ];
  for (let u = rack.units; u >= 1; u--) {
    const y = yOf(u);
    out.push(`<rect class="slot" x="${left}" y="${y}" width="${INNER}" height="${UNIT}"/>`);
    out.push(text(left - 8, y + UNIT / 2 + 4, String(u), RAIL - 10, 'u', 'end'));
  }
  for (const it of rack.items) {
    const bottom = Math.max(it.u, 1);
    const topU = Math.min(it.u + it.height - 1, rack.units);
    if (topU < bottom) continue;
    const y = yOf(topU) + 1;
    const h = (topU - bottom + 1) * UNIT - 2;
    const cls = category(site, it);
    out.push(`<g id="rack-${esc(it.name)}">`);
    out.push(
      `<rect class="item ${cls}" x="${left + 2}" y="${y}" width="${INNER - 4}" height="${h}" rx="3"/>`,
    );
    const label =
      it.height > 1 && !it.label.includes(`${it.height}U`) ? `${it.label} (${it.height}U)` : it.label;
    out.push(text(left + 10, y + h / 2 + 4, label, LABEL_WIDTH - 16, 'label'));
    out.push(
      ...hostLines(site, { ...it, height: topU - bottom + 1 }, left + LABEL_WIDTH, y, INNER - LABEL_WIDTH),
    );
    out.push('</g>');
  }
  if (elsewhere.length > 0) {
    let y = rackTop + rackHeight + 8 + 20;
    out.push(text(MARGIN, y, 'Not in the rack', width - 2 * MARGIN, 'label'));
    for (const h of elsewhere) {
      y += 16;
      out.push(
        text(
          MARGIN,
          y,
          `${h.name} · ${roleText(site, h)} · ${h.address}${h.model ? ` · ${h.model}` : ''}`,
          width - 2 * MARGIN,
          'muted',
        ),
      );
    }
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
