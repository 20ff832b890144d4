// docs/architecture.svg: the seven layers as a stack (1 Physical at the bottom), this site's machines in
// each, grouped by what they do, and security as a column across all of them. Pure and deterministic.
import type { Host, Site } from '../../../site/types.ts';
import type { RenderContext } from '../../layer.ts';
import { networkModel } from '../../network/model.ts';
import { PLATFORM } from '../../physical/rack-docs.ts';
import { esc, PALETTE_CSS, r, svgText } from '../../svg.ts';
import { type BoxContent, drawBox, measureBox, wrap } from './box.ts';
import { groupHosts } from './groups.ts';

export const ARCHITECTURE_SVG_PATH = 'docs/architecture.svg';

const WIDTH = 1240;
const M = 16;
const HEAD = 52;
const LABEL_W = 220;
const SEC_W = 260;
const GAP = 10;
const BAND_PAD = 10;
const CONTENT_X = M + LABEL_W;
const CONTENT_W = WIDTH - 2 * M - LABEL_W - SEC_W - GAP;
const SEC_X = WIDTH - M - SEC_W;

const LAYERS = ['physical', 'network', 'devops', 'orchestration', 'ai', 'backup', 'observability'] as const;
type LayerId = (typeof LAYERS)[number];

const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
const withRole = (site: Site, role: Host['roles'][number]) =>
  site.hosts.filter((h) => h.roles.includes(role));

/** What each layer of this site holds, in a few facts from the Site. */
function facts(site: Site, id: LayerId): string[] {
  switch (id) {
    case 'physical':
      return [
        `Proxmox VE cluster of ${n(withRole(site, 'pve').length, 'node')}`,
        `ZFS pool ${site.storage.pool} (${site.storage.layout}) on ${site.storage.host}`,
        `${site.rack.units}U rack${site.ups ? `, UPS on ${site.ups.host}` : ''}`,
      ];
    case 'network':
      return [
        `${PLATFORM[site.firewall.platform]} firewall ${site.firewall.host}${site.firewall.asVm ? ' (VM)' : ''}`,
        `${n(site.vlans.length, 'VLAN')} in ${site.supernet}`,
        `${n(networkModel(site).policy.rules.length, 'rule')} on default deny`,
      ];
    case 'devops':
      return [
        'this repository: Ansible, CI, pinned versions',
        site.devops.servers.length > 0
          ? `k3s ${site.devops.version}: ${n(site.devops.servers.length, 'server')}, ${n(site.devops.agents.length, 'agent')}`
          : 'no DevOps cluster',
      ];
    case 'orchestration': {
      const apps = site.services.filter((s) => s.kind === 'app').length;
      return [
        site.production.controlPlanes.length > 0
          ? `Talos ${site.production.version}: ${n(site.production.controlPlanes.length, 'control plane')}, ${n(site.production.workers.length, 'worker')}`
          : 'no production cluster',
        `${n(apps, 'app')} from the catalog`,
      ];
    }
    case 'ai':
      return site.ai.nodes.length === 0
        ? ['no AI mesh']
        : [
            `${n(site.ai.nodes.length, 'AI node')}`,
            site.ai.gatewayHost
              ? `OpenAI-compatible gateway on ${site.ai.gatewayHost}:${site.ai.gatewayPort}`
              : 'no gateway',
            ...(site.ai.tailnet ? [`tailnet ${site.ai.tailnet}`] : []),
          ];
    case 'backup':
      return [
        site.backup.primary
          ? `PBS ${site.backup.primary}${site.backup.mirror ? `, mirror ${site.backup.mirror}` : ''}`
          : 'no backup server',
        `keeps ${site.backup.retention.daily} daily, ${site.backup.retention.weekly} weekly, ${site.backup.retention.monthly} monthly`,
      ];
    case 'observability':
      return [
        `Prometheus, Alertmanager, Grafana on ${site.observability.monitor}`,
        `alerts to ${site.observability.alerts.map((a) => a.type).join(', ') || 'nobody'}`,
        `${n(site.watchdogs.length, 'watchdog')}`,
      ];
  }
}

function securityFacts(site: Site): string[] {
  const agents = withRole(site, 'wazuh_agent').length;
  return [
    `default-deny firewall: ${n(networkModel(site).policy.rules.length, 'rule')} compiled from ${n(site.flows.length, 'flow')}`,
    site.observability.securityNode
      ? `Wazuh manager on ${site.observability.securityNode}, agents on ${n(agents, 'host')}`
      : 'no Wazuh manager',
    site.observability.honeypot ? `T-Pot honeypot ${site.observability.honeypot}` : 'no honeypot',
    'secrets age-encrypted in the repository',
  ];
}

/** Services a layer owns, as `name port` text, for the band's footnote. */
function servicesLine(site: Site, id: string): string {
  const list = site.services
    .filter((s) => s.layer === id)
    .map((s) => `${s.name}${s.ports[0] ? ` ${s.ports.map((p) => p.port).join('/')}` : ''}`);
  return list.length > 0 ? `services: ${list.join(', ')}` : '';
}

function boxes(hosts: Host[], colWidth: number): BoxContent[] {
  return groupHosts(hosts).map((g) => ({
    title: g.label,
    category: g.category,
    entries: g.hosts.map((h) => ({ host: h.name, text: h.name })),
    colWidth,
    perColumn: 6,
    maxCols: Math.max(1, Math.floor((CONTENT_W - 12) / colWidth)),
  }));
}

interface Placed {
  box: BoxContent;
  x: number;
  y: number;
  size: ReturnType<typeof measureBox>;
}

/** Boxes left to right, wrapping to a new row; returns the boxes placed from (x0, y0) and the height used. */
function flow(list: BoxContent[], x0: number, y0: number, width: number): [Placed[], number] {
  const placed: Placed[] = [];
  let x = x0;
  let y = y0;
  let rowH = 0;
  for (const box of list) {
    const size = measureBox(box);
    size.width = Math.min(size.width, width);
    if (x > x0 && x + size.width > x0 + width) {
      x = x0;
      y += rowH + GAP;
      rowH = 0;
    }
    placed.push({ box, x, y, size });
    x += size.width + GAP;
    rowH = Math.max(rowH, size.height);
  }
  return [placed, list.length === 0 ? 0 : y + rowH - y0];
}

export function renderArchitectureSvg(site: Site, ctx: RenderContext): string {
  const title = new Map(ctx.layouts.map((l) => [l.layer, l.title]));
  const body: string[] = [];
  // Bands bottom-up in meaning (1 Physical is the foundation), drawn top-down: 7 first.
  let y = M + HEAD;
  const top = y;
  for (const id of [...LAYERS].reverse()) {
    const hosts = site.hosts.filter((h) => h.layers.includes(id));
    const label = [title.get(id) ?? id];
    const notes = facts(site, id).flatMap((f) => wrap(f, LABEL_W - 24, 'small'));
    const [placed, used] = flow(
      boxes(hosts, 118),
      CONTENT_X + BAND_PAD,
      y + BAND_PAD,
      CONTENT_W - 2 * BAND_PAD,
    );
    const svc = wrap(servicesLine(site, id), CONTENT_W - 2 * BAND_PAD, 'small');
    const contentH = used + (svc.length > 0 ? (used > 0 ? 6 : 0) + svc.length * 12 : 0);
    const labelH = 18 + notes.length * 13;
    const h = Math.max(contentH, labelH, hosts.length === 0 && svc.length === 0 ? 24 : 0) + 2 * BAND_PAD;
    body.push(`<g class="layer" id="layer-${id}">`);
    body.push(
      `<rect class="band ${id === 'physical' ? 'compute' : id}" x="${M}" y="${r(y)}" width="${WIDTH - 2 * M - SEC_W - GAP}" height="${r(h)}" rx="6"/>`,
    );
    body.push(svgText(M + 10, y + BAND_PAD + 12, label[0]!, LABEL_W - 20, { cls: 'head' }));
    notes.forEach((line, i) => {
      body.push(svgText(M + 10, y + BAND_PAD + 30 + i * 13, line, LABEL_W - 20, { cls: 'small muted' }));
    });
    for (const p of placed) body.push(...drawBox(p.box, p.x, p.y, p.size));
    if (hosts.length === 0 && svc.length === 0)
      body.push(
        svgText(CONTENT_X + BAND_PAD, y + BAND_PAD + 14, 'no machines of its own', CONTENT_W, {
          cls: 'muted',
        }),
      );
    svc.forEach((line, i) => {
      body.push(
        svgText(
          CONTENT_X + BAND_PAD,
          y + BAND_PAD + used + (used > 0 ? 6 : 0) + 10 + i * 12,
          line,
          CONTENT_W - 2 * BAND_PAD,
          {
            cls: 'small muted',
          },
        ),
      );
    });
    body.push('</g>');
    y += h + GAP;
  }
  const bottom = y - GAP;

  // Security across every layer: one column as tall as the stack.
  const sec = site.hosts.filter((h) => h.layers.includes('security'));
  const secNotes = securityFacts(site).flatMap((f) => wrap(f, SEC_W - 20, 'small'));
  const secBoxes = boxes(sec, 118).map((b) => ({ ...b, maxCols: 2 }));
  const [secPlaced, secUsed] = flow(secBoxes, SEC_X + 10, top + 30 + secNotes.length * 13 + 6, SEC_W - 20);
  const secSvc = wrap(servicesLine(site, 'security'), SEC_W - 20, 'small');
  const secBottom = top + 30 + secNotes.length * 13 + 6 + secUsed + 6 + secSvc.length * 12 + BAND_PAD;
  const height = Math.max(bottom, secBottom) + M;
  body.push('<g class="layer" id="layer-security">');
  body.push(
    `<rect class="band security" x="${SEC_X}" y="${top}" width="${SEC_W}" height="${r(Math.max(bottom, secBottom) - top)}" rx="6"/>`,
  );
  body.push(svgText(SEC_X + 10, top + 22, title.get('security') ?? 'Security', SEC_W - 20, { cls: 'head' }));
  secNotes.forEach((line, i) => {
    body.push(svgText(SEC_X + 10, top + 40 + i * 13, line, SEC_W - 20, { cls: 'small muted' }));
  });
  for (const p of secPlaced) body.push(...drawBox(p.box, p.x, p.y, p.size));
  secSvc.forEach((line, i) => {
    body.push(
      svgText(SEC_X + 10, top + 30 + secNotes.length * 13 + 6 + secUsed + 16 + i * 12, line, SEC_W - 20, {
        cls: 'small muted',
      }),
    );
  });
  body.push('</g>');

  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${r(height)}" viewBox="0 0 ${WIDTH} ${r(height)}" role="img" aria-labelledby="arch-title arch-desc">`,
    `<title id="arch-title">Architecture of ${esc(site.name)}: seven layers, security across them</title>`,
    `<desc id="arch-desc">The seven layers from 1 Physical at the bottom to 7 Observability at the top, each with the machines of this site that belong to it, grouped by what they do; security runs across all of them.</desc>`,
    `<style>${PALETTE_CSS}.band { stroke-width: 1; fill-opacity: 0.45; }\n.box { stroke-width: 1.2; }\n</style>`,
    `<rect class="bg" x="0" y="0" width="${WIDTH}" height="${r(height)}"/>`,
    svgText(M, M + 16, `${site.name} — architecture: seven layers, security across them`, WIDTH - 2 * M, {
      cls: 'title',
    }),
    svgText(
      M,
      M + 33,
      `${n(site.hosts.length, 'machine')} (${site.tier} tier); every box is a machine of this site, grouped by what it does; generated by Beelab, do not edit`,
      WIDTH - 2 * M,
      { cls: 'muted' },
    ),
  ];
  return `${[...head, ...body, '</svg>'].join('\n')}\n`;
}
