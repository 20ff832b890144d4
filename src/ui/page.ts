// The dashboard page: one HTML document with its CSS and script inline (no CDN, works offline). It reads
// /api/model once, shows one view at a time, and follows /events for live status.

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --accent: #0969da; --up: #1a7f37; --warn: #9a6700; --down: #cf222e; --pending: #818b98; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #f0f6fc; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --accent: #4493f8;
    --up: #3fb950; --warn: #d29922; --down: #f85149; --pending: #656c76; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  background: var(--bg); color: var(--fg); }
header.ui-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; padding: 10px 16px;
  border-bottom: 1px solid var(--line); background: var(--panel); position: sticky; top: 0; z-index: 2; }
header.ui-top h1 { font-size: 16px; margin: 0; }
nav.ui-nav a { margin-right: 12px; color: var(--accent); text-decoration: none; }
nav.ui-nav a.ui-current { font-weight: 600; color: var(--fg); border-bottom: 2px solid var(--accent); }
#ui-live { margin-left: auto; font-size: 13px; color: var(--muted); }
main { padding: 14px 16px; }
.ui-banner { padding: 8px 12px; border: 1px solid var(--line); border-left: 4px solid var(--warn); background: var(--panel);
  margin-bottom: 12px; }
.ui-diagram { overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.ui-diagram svg { display: block; }
.ui-diagram [data-host] { cursor: pointer; }
.ui-diagram text[data-host]:hover { text-decoration: underline; }
.ui-diagram text[data-state="down"] { fill: var(--down); font-weight: 700; }
.ui-diagram text[data-state="warn"] { fill: var(--warn); }
table.ui-table { border-collapse: collapse; margin: 6px 0 18px; }
table.ui-table th, table.ui-table td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
table.ui-table th { background: var(--panel); }
table.ui-table td.ui-cell { font-size: 12px; white-space: pre-line; }
.ui-state { font-weight: 600; }
.ui-state-up { color: var(--up); }
.ui-state-warn { color: var(--warn); }
.ui-state-down { color: var(--down); }
.ui-state-pending, .ui-state-unknown { color: var(--pending); }
a.ui-host { color: var(--accent); cursor: pointer; }
aside#ui-detail { position: fixed; top: 0; right: 0; bottom: 0; width: min(460px, 100%); overflow: auto; padding: 14px 16px;
  background: var(--bg); border-left: 1px solid var(--line); box-shadow: -4px 0 16px rgba(0,0,0,.15); z-index: 3; }
aside#ui-detail[hidden] { display: none; }
aside#ui-detail h2 { margin: 0 0 4px; font-size: 18px; }
aside#ui-detail h3 { margin: 14px 0 4px; font-size: 14px; }
aside#ui-detail ul { margin: 0; padding-left: 18px; }
button.ui-close { float: right; }
pre.ui-runbook { white-space: pre-wrap; border: 1px solid var(--line); background: var(--panel); padding: 10px; border-radius: 6px; }
.ui-muted { color: var(--muted); }
`;

const SCRIPT = String.raw`
'use strict';
const VIEWS = [
  ['architecture', 'Architecture'], ['network', 'Network'], ['rack', 'Rack'], ['hosts', 'Hosts'],
  ['status', 'Status'], ['policy', 'Policy'], ['failures', 'Failure modes'], ['plan', 'Plan & apply'],
];
let model = null;
let status = { reachable: false, why: 'connecting…', round: 0, rows: [] };
let current = '';

function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}
function table(head, rows, attrs) {
  return h('table', Object.assign({ class: 'ui-table' }, attrs || {}),
    h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
}
function hostLink(name) {
  return h('a', { class: 'ui-host', 'data-host': name, href: '#' + current, onclick: (ev) => { ev.preventDefault(); showHost(name); } }, name);
}
function stateOf(rows) {
  if (rows.length === 0) return 'unknown';
  for (const s of ['down', 'warn', 'pending']) if (rows.some((r) => r.state === s)) return s;
  return 'up';
}
function rowsOfHost(name) {
  return status.rows.filter((r) => r.name === name || r.name.endsWith('@' + name));
}
function hostState(name) {
  const own = status.rows.filter((r) => r.name === name);
  return stateOf(own.length > 0 ? own : rowsOfHost(name));
}
function stateCell(name) {
  const td = h('td', { class: 'ui-state', 'data-status-host': name });
  paintState(td, name);
  return td;
}
function paintState(td, name) {
  const s = status.reachable ? hostState(name) : 'unknown';
  const rows = rowsOfHost(name);
  const up = rows.filter((r) => r.state === 'up' || r.state === 'warn').length;
  td.className = 'ui-state ui-state-' + s;
  td.setAttribute('data-state', s);
  td.textContent = status.reachable ? (rows.length ? s + ' (' + up + '/' + rows.length + ' checks)' : 'no checks') : 'not reachable from here';
}

async function diagram(path) {
  const res = await fetch('/files/' + path);
  const box = h('div', { class: 'ui-diagram' });
  box.innerHTML = await res.text();
  for (const t of box.querySelectorAll('[data-host]')) t.addEventListener('click', () => showHost(t.getAttribute('data-host')));
  return box;
}
function paintDiagram() {
  for (const t of document.querySelectorAll('.ui-diagram text[data-host]')) {
    const s = status.reachable ? hostState(t.getAttribute('data-host')) : 'unknown';
    t.setAttribute('data-state', s);
  }
}

const render = {
  async architecture() { return [await diagram('docs/architecture.svg')]; },
  async network() {
    return [await diagram('docs/network.svg'), h('h2', {}, 'VLANs'), vlanTable()];
  },
  async rack() { return [await diagram('docs/rack.svg')]; },
  async hosts() {
    return [
      h('h2', {}, model.hosts.length + ' hosts'),
      table(['host', 'role', 'VLAN', 'address', 'kind', 'status'], model.hosts.map((x) =>
        h('tr', { 'data-host-row': x.name }, h('td', {}, hostLink(x.name)), h('td', {}, x.role), h('td', {}, x.vlan),
          h('td', {}, x.address), h('td', {}, x.kind + (x.vm ? ' on ' + x.vm.node : '')), stateCell(x.name)))),
      h('h2', {}, model.vlans.length + ' VLANs'), vlanTable(),
    ];
  },
  async status() {
    const out = [];
    if (!status.reachable) out.push(h('div', { class: 'ui-banner', id: 'ui-unreachable' }, status.why));
    out.push(h('p', { class: 'ui-muted' }, status.round ? 'Round ' + status.round + ' at ' + status.at : (status.reachable ? 'First round under way…' : '')));
    out.push(table(['check', 'probe', 'state', 'detail', 'ms'], status.rows.map((r) =>
      h('tr', { 'data-target': r.name, 'data-state': r.state }, h('td', {}, r.name), h('td', {}, r.check),
        h('td', { class: 'ui-state ui-state-' + r.state }, r.state), h('td', {}, r.detail), h('td', {}, r.ms)))));
    return out;
  },
  async policy() {
    const p = model.policy;
    return [
      h('p', {}, 'What the firewall passes from each zone (rows) to each destination (columns); everything else is denied.'),
      table(['from \\ to'].concat(p.columns), p.rows.map((r) =>
        h('tr', { 'data-zone': r.from }, h('th', {}, r.from), r.cells.map((c) => h('td', { class: 'ui-cell' }, c.length ? c.join('\n') : '—'))))),
    ];
  },
  async failures() {
    return [
      h('p', {}, 'Every failure the site plans for, the hosts it is about, and its runbook.'),
      table(['scenario', 'runbook', 'hosts', 'referenced by'], model.failures.map((f) =>
        h('tr', { 'data-scenario': f.slug }, h('td', {}, f.title),
          h('td', {}, f.written ? h('a', { href: '#failures', 'data-runbook': f.slug, onclick: (ev) => { ev.preventDefault(); showRunbook(f.path, f.title); } }, f.path) : h('span', { class: 'ui-muted' }, f.path + ' (not written yet)')),
          h('td', {}, f.hosts.length > 8 ? f.hosts.length + ' hosts' : f.hosts.map((n) => [hostLink(n), ' '])),
          h('td', {}, f.referencedBy.length ? f.referencedBy.join(', ') : '—')))),
      h('div', { id: 'ui-runbook' }),
    ];
  },
  async plan() {
    const out = [h('h2', {}, 'Plan: what render would change')];
    if (!model.plan) out.push(h('p', {}, 'No plan.'));
    else if (model.plan.entries.length === 0) out.push(h('p', { id: 'ui-plan-empty' }, 'Nothing: the repository on disk is what beelab.yaml renders.'));
    else {
      if (!model.plan.rendered) out.push(h('p', { class: 'ui-muted' }, 'Not rendered yet: beelab render would write every file below.'));
      out.push(table(['status', 'layer', 'file'], model.plan.entries.map((e) => h('tr', {}, h('td', {}, e.status), h('td', {}, e.layer), h('td', {}, e.path)))));
    }
    out.push(h('h2', {}, 'Last apply'));
    const a = model.lastApply;
    if (!a) out.push(h('p', { id: 'ui-no-apply' }, 'No apply recorded in .beelab/journal.jsonl.'));
    else {
      out.push(h('p', {}, a.mode + ' ' + a.run + ' started ' + a.startedAt + ': ' + a.status + ' — ' + a.ok + ' ok, ' + a.failed + ' failed, ' + a.skipped + ' skipped'));
      out.push(table(['step', 'status', 'seconds', 'error'], a.steps.map((s) => h('tr', {}, h('td', {}, s.id), h('td', { class: 'ui-state ui-state-' + (s.status === 'ok' ? 'up' : 'down') }, s.status), h('td', {}, (s.durationMs / 1000).toFixed(1)), h('td', {}, s.error || '')))));
    }
    return out;
  },
};

function vlanTable() {
  return table(['VLAN', 'tag', 'purpose', 'subnet', 'gateway', 'DHCP', 'internet', 'hosts'], model.vlans.map((v) =>
    h('tr', { 'data-vlan': v.name }, h('td', {}, v.name), h('td', {}, v.id), h('td', {}, v.purpose), h('td', {}, v.cidr),
      h('td', {}, v.gateway), h('td', {}, v.dhcp), h('td', {}, v.internet), h('td', {}, v.hosts.length))));
}

async function showRunbook(path, title) {
  const res = await fetch('/files/' + path);
  const box = document.getElementById('ui-runbook');
  box.replaceChildren(h('h2', {}, title), h('pre', { class: 'ui-runbook' }, await res.text()));
  box.scrollIntoView();
}

function list(items) { return h('ul', {}, items.map((x) => h('li', {}, x))); }
function showHost(name) {
  const x = model.hosts.find((y) => y.name === name);
  if (!x) return;
  const d = document.getElementById('ui-detail');
  const checks = rowsOfHost(name);
  d.replaceChildren(
    h('button', { class: 'ui-close', onclick: () => { d.hidden = true; } }, 'close'),
    h('h2', { id: 'ui-detail-name' }, x.name),
    h('div', { class: 'ui-muted' }, x.role),
    h('h3', {}, 'Addresses'),
    list([x.address + ' on VLAN ' + x.vlan, x.fqdn].concat(x.mac ? ['MAC ' + x.mac] : [], x.vm ? ['VM ' + x.vm.vmid + ' on ' + x.vm.node + ': ' + x.vm.cores + ' cores, ' + x.vm.memoryGb + ' GB, ' + x.vm.diskGb + ' GB disk'] : [], x.model ? [x.model] : [])),
    h('h3', {}, 'Live status'),
    status.reachable ? (checks.length ? list(checks.map((r) => h('span', { class: 'ui-state-' + r.state }, r.name + ' ' + r.check + ': ' + r.state + ' ' + r.detail))) : h('p', {}, 'no checks')) : h('p', { class: 'ui-muted' }, status.why),
    h('h3', {}, 'Services'),
    x.services.length ? list(x.services.map((s) => s.name + ' ' + s.ports + (s.fqdn ? ' (' + s.fqdn + ')' : '') + ' — ' + s.description)) : h('p', {}, 'none'),
    h('h3', {}, 'Flows in'),
    x.flowsIn.length ? list(x.flowsIn.map((f) => f.from + ' → ' + f.service + ' ' + f.ports)) : h('p', {}, 'none'),
    h('h3', {}, 'Flows out'),
    x.flowsOut.length ? list(x.flowsOut.map((f) => f.service + ' ' + f.ports + ' → ' + f.to)) : h('p', {}, 'none'),
    h('h3', {}, 'Backups'), list(x.backups),
    h('h3', {}, 'Watchdog'), list(x.watchdog),
    h('h3', {}, 'Runbooks'),
    x.runbooks.length ? list(x.runbooks.map((r) => r.written ? h('a', { href: '#failures', onclick: async (ev) => { ev.preventDefault(); location.hash = 'failures'; await show('failures'); showRunbook(r.path, r.title); } }, r.title) : r.title + ' (not written yet)')) : h('p', {}, 'none'),
  );
  d.hidden = false;
}

function paintLive() {
  const live = document.getElementById('ui-live');
  live.textContent = status.reachable ? ('live: ' + status.rows.filter((r) => r.state === 'down').length + ' down of ' + status.rows.length + (status.at ? ', ' + status.at.slice(11, 19) : '')) : 'live status: not reachable from here';
  for (const td of document.querySelectorAll('[data-status-host]')) paintState(td, td.getAttribute('data-status-host'));
  paintDiagram();
  if (current === 'status') show('status');
}

async function show(view) {
  if (!render[view]) view = 'architecture';
  current = view;
  for (const a of document.querySelectorAll('nav.ui-nav a')) a.classList.toggle('ui-current', a.getAttribute('href') === '#' + view);
  const main = document.querySelector('main');
  const parts = await render[view]();
  if (current !== view) return;
  main.replaceChildren(...parts);
  main.setAttribute('data-view', view);
  paintDiagram();
}

async function start() {
  model = await (await fetch('/api/model')).json();
  document.title = model.site.name + ' — Beelab';
  document.getElementById('ui-site').textContent = model.site.name + ' (' + model.site.domain + ', ' + model.site.tier + ')';
  document.querySelector('nav.ui-nav').replaceChildren(...VIEWS.map(([id, label]) => h('a', { href: '#' + id }, label)));
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  const events = new EventSource('/events');
  events.addEventListener('status', (ev) => { status = JSON.parse(ev.data); paintLive(); });
  await show(location.hash.slice(1) || 'architecture');
}
start();
`;

export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Beelab</title>
<style>${CSS}</style>
</head>
<body>
<header class="ui-top"><h1>Beelab · <span id="ui-site"></span></h1><nav class="ui-nav"></nav><span id="ui-live">connecting…</span></header>
<main data-view=""></main>
<aside id="ui-detail" hidden></aside>
<script>${SCRIPT}</script>
</body>
</html>
`;
