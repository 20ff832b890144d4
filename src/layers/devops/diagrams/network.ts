// docs/network.svg: the internet, the firewall, every VLAN with its subnet and its hosts grouped by what
// they do, and the flows the firewall passes between VLANs labelled by service and port. Laid out by ELK's
// layered algorithm (./elk.ts); pure and deterministic.
import type { Host, Site, Vlan } from '../../../site/types.ts';
import { networkModel } from '../../network/model.ts';
import type { PolicyRule } from '../../network/policy/types.ts';
import { PLATFORM } from '../../physical/rack-docs.ts';
import { esc, PALETTE_CSS, r, svgText, textWidth } from '../../svg.ts';
import { type BoxContent, drawBox, measureBox } from './box.ts';
import { type ElkExtendedEdge, type ElkNode, layout } from './elk.ts';
import { groupHosts } from './groups.ts';

export const NETWORK_SVG_PATH = 'docs/network.svg';

const M = 16;
const HEAD = 52;
const PAD = 8;
const LINE = 13;
/** Above this many VLANs, those without hosts are summarised in one box instead of one node each. */
export const MAX_VLAN_NODES = 24;
/** Lines of one flow label before "+N more". */
const MAX_LABEL_LINES = 8;

interface Block {
  /** ELK node id. */
  id: string;
  width: number;
  height: number;
  draw(x: number, y: number): string[];
}

/** A box with a few header lines, then group boxes stacked. */
function block(
  id: string,
  cls: string,
  lines: { text: string; cls?: string; host?: string }[],
  groups: BoxContent[],
  minWidth: number,
): Block {
  const sizes = groups.map(measureBox);
  const width = Math.max(
    minWidth,
    ...lines.map((l) => textWidth(l.text, l.cls) + 2 * PAD),
    ...sizes.map((s) => s.width + 2 * PAD),
  );
  for (const s of sizes) s.width = width - 2 * PAD;
  const headH = 6 + lines.length * LINE;
  const height = headH + sizes.reduce((h, s) => h + s.height + 6, 0) + PAD;
  return {
    id,
    width,
    height,
    draw: (x, y) => {
      const out = [
        `<g class="node" id="${esc(id)}">`,
        `<rect class="frame ${cls}" x="${r(x)}" y="${r(y)}" width="${r(width)}" height="${r(height)}" rx="6"/>`,
      ];
      lines.forEach((l, i) => {
        out.push(
          svgText(x + PAD, y + 16 + i * LINE, l.text, width - 2 * PAD, {
            ...(l.cls ? { cls: l.host ? `${l.cls} host` : l.cls } : {}),
            ...(l.host ? { attrs: ` data-host="${esc(l.host)}"` } : {}),
          }),
        );
      });
      let gy = y + headH + 4;
      groups.forEach((g, i) => {
        out.push(...drawBox(g, x + PAD, gy, sizes[i]!));
        gy += sizes[i]!.height + 6;
      });
      out.push('</g>');
      return out;
    },
  };
}

const vlanId = (name: string) => `vlan-${name}`;

function hostBoxes(hosts: Host[]): BoxContent[] {
  return groupHosts(hosts).map((g) => ({
    title: g.label,
    category: g.category,
    entries: g.hosts.map((h) => ({ host: h.name, text: `${h.name}  ${h.address}` })),
    colWidth: 170,
    perColumn: 16,
    maxCols: 6,
  }));
}

const INTERNET_TEXT: Record<Vlan['internet'], string> = {
  yes: 'internet: yes',
  no: 'internet: none',
  limited: 'internet: web only, logged',
};

function vlanBlock(v: Vlan, hosts: Host[]): Block {
  const lines = [
    { text: `${v.name} · VLAN ${v.id} · ${v.purpose}`, cls: 'head' },
    { text: `${v.cidr} · gateway ${v.gateway}`, cls: 'small' },
    {
      text: `${v.dhcp && v.dhcpRange ? `DHCP ${v.dhcpRange[0]}–${v.dhcpRange[1]}` : 'no DHCP'} · ${INTERNET_TEXT[v.internet]}`,
      cls: 'small muted',
    },
  ];
  if (hosts.length === 0) lines.push({ text: 'no hosts', cls: 'small muted' });
  return block(vlanId(v.name), 'vlan', lines, hostBoxes(hosts), 240);
}

const portText = (rule: PolicyRule) =>
  rule.protocol === 'any'
    ? 'any'
    : rule.protocol === 'icmp'
      ? 'icmp'
      : `${rule.protocol}/${rule.ports.join(',')}`;

/** The label lines of what passes from one zone to another: one line per service with its ports. */
export function flowLines(rules: PolicyRule[]): string[] {
  const byService = new Map<string, Set<string>>();
  for (const rule of rules) {
    const name = rule.service ?? (rule.origin === 'baseline' ? 'management' : rule.origin);
    const set = byService.get(name) ?? new Set<string>();
    set.add(portText(rule));
    byService.set(name, set);
  }
  const lines = [...byService].map(([s, ports]) =>
    ports.has('any') ? `${s}: any` : `${s} ${[...ports].join(' ')}`,
  );
  return lines.length > MAX_LABEL_LINES
    ? [
        ...lines.slice(0, MAX_LABEL_LINES - 1),
        `+${lines.length - MAX_LABEL_LINES + 1} more (network-policy.md)`,
      ]
    : lines;
}

interface EdgeSpec {
  id: string;
  from: string;
  to: string;
  cls: string;
  lines: string[];
}

function elkEdge(e: EdgeSpec): ElkExtendedEdge {
  const width = Math.max(0, ...e.lines.map((l) => textWidth(l, 'small'))) + 4;
  return {
    id: e.id,
    sources: [e.from],
    targets: [e.to],
    labels:
      e.lines.length > 0
        ? [{ id: `${e.id}-label`, text: e.lines.join('\n'), width, height: e.lines.length * 12 + 2 }]
        : [],
  };
}

export function renderNetworkSvg(site: Site): string {
  const { policy } = networkModel(site);
  const byVlan = new Map<string, Host[]>(site.vlans.map((v) => [v.name, []]));
  for (const h of site.hosts) if (h.name !== site.firewall.host) byVlan.get(h.vlan)?.push(h);
  const fwHost = site.hosts.find((h) => h.name === site.firewall.host);

  // Which VLANs get a node of their own: all of them on a normal site; past MAX_VLAN_NODES, those with hosts.
  const shown =
    site.vlans.length <= MAX_VLAN_NODES
      ? site.vlans
      : site.vlans.filter((v) => byVlan.get(v.name)!.length > 0);
  const folded = site.vlans.filter((v) => !shown.includes(v));
  const zoneNode = new Map<string, string>(shown.map((v) => [v.name, vlanId(v.name)]));
  for (const v of folded) zoneNode.set(v.name, 'vlan-others');

  const blocks: Block[] = [];
  blocks.push(
    block(
      'internet',
      'other',
      [
        { text: 'Internet', cls: 'head' },
        { text: `WAN ${site.firewall.wan}`, cls: 'small muted' },
      ],
      [],
      120,
    ),
  );
  const firewallServes = [
    ...new Set(
      policy.rules
        .filter(
          (x) =>
            x.to === 'firewall' && x.origin === 'baseline' && x.protocol !== 'any' && x.protocol !== 'icmp',
        )
        .map((x) => `${x.protocol}/${x.ports.join(',')}`),
    ),
  ];
  blocks.push(
    block(
      'firewall',
      'network',
      [
        {
          text: `${site.firewall.host} · ${PLATFORM[site.firewall.platform]} firewall`,
          cls: 'head',
          host: site.firewall.host,
        },
        {
          text: `${fwHost?.address ?? ''} · trunk ${site.firewall.trunk}${site.firewall.asVm ? ' · VM' : ''}`,
          cls: 'small',
        },
        { text: `${policy.rules.length} rules, default deny`, cls: 'small muted' },
        { text: `serves every VLAN: ${firewallServes.join(' ')}`, cls: 'small muted' },
      ],
      [],
      220,
    ),
  );
  for (const v of shown) blocks.push(vlanBlock(v, byVlan.get(v.name)!));
  if (folded.length > 0) {
    blocks.push(
      block(
        'vlan-others',
        'vlan',
        [
          { text: `${folded.length} more VLANs without hosts`, cls: 'head' },
          {
            text: `tags ${folded[0]!.id}–${folded[folded.length - 1]!.id}; every one in network-policy.md`,
            cls: 'small muted',
          },
        ],
        [],
        240,
      ),
    );
  }
  const tailnetFlows = site.flows.filter((f) => f.from.kind === 'tailnet');
  if (tailnetFlows.length > 0) {
    blocks.push(
      block(
        'tailnet',
        'ai',
        [
          { text: 'Tailnet', cls: 'head' },
          { text: site.ai.tailnet ?? 'mesh VPN', cls: 'small muted' },
        ],
        [],
        120,
      ),
    );
  }

  const edges: EdgeSpec[] = [
    { id: 'wan', from: 'internet', to: 'firewall', cls: 'trunk', lines: [`WAN ${site.firewall.wan}`] },
  ];
  for (const v of shown)
    edges.push({
      id: `trunk-${v.name}`,
      from: 'firewall',
      to: vlanId(v.name),
      cls: 'trunk',
      lines: [`tag ${v.id}`],
    });
  if (folded.length > 0)
    edges.push({
      id: 'trunk-others',
      from: 'firewall',
      to: 'vlan-others',
      cls: 'trunk',
      lines: [`${folded.length} tags`],
    });

  // What the firewall passes between zones (VLAN to VLAN), from the compiled policy, as cards to the right of
  // the VLANs: an edge from the source VLAN into the card, and one from the card back to each destination
  // (laid out as VLAN → card so every VLAN stays in one column; drawn with the arrow at the destination).
  const names = new Map<string, string>(shown.map((v) => [vlanId(v.name), v.name]));
  names.set('vlan-others', 'other VLANs');
  names.set('tailnet', 'tailnet');
  const cells = new Map<string, PolicyRule[]>();
  for (const rule of policy.rules) {
    if (rule.action !== 'pass') continue;
    const from = zoneNode.get(rule.from);
    const to = zoneNode.get(rule.to);
    if (!from || !to || from === to) continue;
    const key = `${from}\u0000${to}`;
    const list = cells.get(key);
    if (list) list.push(rule);
    else cells.set(key, [rule]);
  }
  const pairs: { from: string; to: string; lines: string[] }[] = [...cells].map(([key, rules]) => {
    const [from, to] = key.split('\u0000') as [string, string];
    return { from, to, lines: flowLines(rules) };
  });
  // The tailnet reaches hosts directly (its ACL, not the firewall, governs it).
  const tail = new Map<string, string[]>();
  const hostVlan = new Map<string, string>([
    ...site.hosts.map((h): [string, string] => [h.name, h.vlan]),
    ...site.vips.map((v): [string, string] => [`vip:${v.name}`, v.vlan]),
  ]);
  for (const f of tailnetFlows) {
    const to = f.to;
    const vlan =
      to.kind === 'host'
        ? hostVlan.get(to.host)
        : to.kind === 'vip'
          ? hostVlan.get(`vip:${to.vip}`)
          : to.kind === 'vlan'
            ? to.vlan
            : undefined;
    const node = vlan ? zoneNode.get(vlan) : undefined;
    if (!node) continue;
    const line = `${f.service} ${f.protocol}/${f.ports.join(',')}`;
    const list = tail.get(node) ?? [];
    if (!list.includes(line)) list.push(line);
    tail.set(node, list);
  }
  for (const [to, lines] of tail)
    pairs.push({
      from: 'tailnet',
      to,
      lines:
        lines.length > MAX_LABEL_LINES
          ? [...lines.slice(0, MAX_LABEL_LINES - 1), `+${lines.length - MAX_LABEL_LINES + 1} more`]
          : lines,
    });
  // One card per source and label: the same services to several VLANs (management's "any") share a card.
  const cards = new Map<string, { from: string; to: string[]; lines: string[] }>();
  for (const p of pairs) {
    const key = `${p.from}\u0000${p.lines.join('\n')}`;
    const card = cards.get(key);
    if (card) card.to.push(p.to);
    else cards.set(key, { from: p.from, to: [p.to], lines: p.lines });
  }
  [...cards.values()].forEach((c, i) => {
    const id = `flows-${i + 1}`;
    const head = `${names.get(c.from) ?? c.from} → ${c.to.map((t) => names.get(t) ?? t).join(', ')}`;
    blocks.push(
      block(
        id,
        c.from === 'tailnet' ? 'ai card' : 'card',
        [{ text: head, cls: 'label' }, ...c.lines.map((text) => ({ text, cls: 'small' }))],
        [],
        120,
      ),
    );
    edges.push({
      id: `${id}-from`,
      from: c.from,
      to: id,
      cls: c.from === 'tailnet' ? 'tailnet' : 'flow',
      lines: [],
    });
    for (const t of c.to)
      edges.push({
        id: `${id}-to-${t}`,
        from: t,
        to: id,
        cls: `${c.from === 'tailnet' ? 'tailnet' : 'flow'} back`,
        lines: [],
      });
  });

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Keep the Site's order of VLANs (management first) where crossings allow.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children: blocks.map((b) => ({ id: b.id, width: b.width, height: b.height })),
    edges: edges.map(elkEdge),
  };
  layout(graph);

  const at = new Map((graph.children ?? []).map((c) => [c.id, c]));
  const cls = new Map(edges.map((e) => [e.id, e.cls]));
  const body: string[] = [];
  for (const e of graph.edges ?? []) {
    const c = cls.get(e.id) ?? 'flow';
    body.push(`<g class="edge ${c}" id="${esc(e.id)}">`);
    for (const s of e.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      body.push(
        `<path d="${pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x + M)} ${r(p.y + M + HEAD)}`).join(' ')}"${c.endsWith('back') ? ' marker-start="url(#arrow)"' : ''}/>`,
      );
    }
    for (const l of e.labels ?? []) {
      const lines = (l.text ?? '').split('\n');
      const x = (l.x ?? 0) + M;
      const y = (l.y ?? 0) + M + HEAD;
      body.push(
        `<rect class="label-bg" x="${r(x)}" y="${r(y)}" width="${r(l.width ?? 0)}" height="${r(l.height ?? 0)}"/>`,
      );
      lines.forEach((line, i) => {
        body.push(svgText(x + 2, y + 10 + i * 12, line, (l.width ?? 0) - 2, { cls: 'small' }));
      });
    }
    body.push('</g>');
  }
  for (const b of blocks) {
    const n = at.get(b.id)!;
    body.push(...b.draw((n.x ?? 0) + M, (n.y ?? 0) + M + HEAD));
  }
  const width = Math.max(720, (graph.width ?? 0) + 2 * M);
  const height = (graph.height ?? 0) + 2 * M + HEAD;
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(width)}" height="${r(height)}" viewBox="0 0 ${r(width)} ${r(height)}" role="img" aria-labelledby="net-title net-desc">`,
    `<title id="net-title">Network of ${esc(site.name)}: firewall, VLANs, hosts and flows</title>`,
    `<desc id="net-desc">The internet, the ${esc(PLATFORM[site.firewall.platform])} firewall, every VLAN with its subnet and hosts, and what the firewall passes between VLANs, labelled by service and port.</desc>`,
    `<style>${PALETTE_CSS}.frame { stroke-width: 1.4; }
.vlan { fill: #f6f8fa; stroke: #59636e; }
.card { fill: #ffffff; stroke: #0969da; }
.ai.card { stroke: #8250df; }
.box { stroke-width: 1; }
.edge path { fill: none; stroke-width: 1.3; }
.flow path { stroke: #0969da; }
.trunk path { stroke: #59636e; stroke-dasharray: 5 3; }
.tailnet path { stroke: #8250df; stroke-dasharray: 2 2; }
.label-bg { fill: #ffffff; fill-opacity: 0.85; }
#arrow path { fill: #59636e; }
@media (prefers-color-scheme: dark) {
  .vlan { fill: #151b23; stroke: #9198a1; }
  .card { fill: #0d1117; stroke: #4493f8; }
  .ai.card { stroke: #ab7df8; }
  .flow path { stroke: #4493f8; }
  .trunk path { stroke: #9198a1; }
  .tailnet path { stroke: #ab7df8; }
  .label-bg { fill: #0d1117; }
  #arrow path { fill: #9198a1; }
}
</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>',
    `<rect class="bg" x="0" y="0" width="${r(width)}" height="${r(height)}"/>`,
    svgText(
      M,
      M + 16,
      `${site.name} — network: ${site.vlans.length} VLANs behind ${site.firewall.host}`,
      width - 2 * M,
      { cls: 'title' },
    ),
    svgText(
      M,
      M + 33,
      'Arrows: what the firewall passes from one VLAN to another, by service and port (everything else is denied); dashed: the trunk; generated by Beelab, do not edit',
      width - 2 * M,
      { cls: 'muted' },
    ),
  ];
  return `${[...head, ...body, '</svg>'].join('\n')}\n`;
}
