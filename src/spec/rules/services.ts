// Rules over what runs: clusters, apps, AI mesh, backups, watchdogs, UPS, alerts.
import { APP_CATALOG, findApp } from '../../catalog/apps.ts';
import { closest } from '../../kernel/suggest.ts';
import { APP_VERSION } from '../app-version.ts';
import { specApps } from '../apps-of.ts';
import { writtenHosts } from './hosts-of.ts';
import type { Finding, RuleContext } from './rule.ts';

export function clusterRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const cp = spec.production?.controlPlanes ?? 0;
  if (cp > 0 && cp % 2 === 0) {
    out.push({
      code: 'cluster/etcd-quorum',
      path: ['production', 'controlPlanes'],
      message: `production.controlPlanes ${cp} is even: etcd needs a majority, so ${cp} tolerates no more failures than ${cp - 1}`,
      hint: `use ${cp - 1} or ${cp + 1}`,
    });
  }
  if (cp === 0 && (spec.production?.workers ?? 0) > 0) {
    out.push({
      code: 'cluster/no-controlplane',
      path: ['production', 'workers'],
      message: 'production.workers without control planes: the workers would have no cluster to join',
      hint: 'set production.controlPlanes to 1 or 3',
    });
  }
  const servers = spec.devops?.servers ?? 0;
  if (servers > 1 && servers % 2 === 0) {
    out.push({
      code: 'cluster/etcd-quorum',
      path: ['devops', 'servers'],
      message: `devops.servers ${servers} is even: embedded etcd needs a majority`,
      hint: `use ${servers - 1} or ${servers + 1}`,
    });
  }
  if (servers === 0 && (spec.devops?.agents ?? 0) > 0) {
    out.push({
      code: 'cluster/no-controlplane',
      path: ['devops', 'agents'],
      message: 'devops.agents without k3s servers',
      hint: 'set devops.servers to 1',
    });
  }
  return out;
}

export function appRules({ spec, written }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const names = APP_CATALOG.map((a) => a.name);
  const seen = new Set<string>();
  (spec.apps ?? []).forEach((a, i) => {
    const name = typeof a === 'string' ? a : a?.name;
    if (typeof name !== 'string') return;
    const path = written(['apps']) ? (typeof a === 'string' ? ['apps', i] : ['apps', i, 'name']) : ['apps'];
    if (!names.includes(name)) {
      const guess = closest(name, names);
      out.push({
        code: 'app/unknown',
        path,
        message: `apps[${i}] "${name}" is not in the app catalog`,
        hint: guess
          ? `did you mean \`${guess}\`? (catalog: ${names.join(', ')})`
          : `catalog: ${names.join(', ')}`,
      });
    }
    if (seen.has(name))
      out.push({
        code: 'app/duplicate',
        path,
        message: `apps[${i}] "${name}" is listed twice`,
        hint: 'remove one',
      });
    seen.add(name);
    if (typeof a !== 'string' && a.version !== undefined && !APP_VERSION.test(a.version)) {
      const image = findApp(name)?.containers[0]?.image ?? name;
      out.push({
        code: 'app/version-unpinned',
        path: ['apps', i, 'version'],
        message: `apps[${i}].version "${a.version}" has no digest: Beelab pins every image by tag and digest, so a tag alone would not say which image runs`,
        hint: `write it as TAG@sha256:DIGEST, e.g. ${a.version.split('@')[0]}@sha256:<64 hex digits> (\`docker buildx imagetools inspect <image>:${a.version.split('@')[0]}\` prints the digest), or change the \`${image}\` image in versions.yaml`,
      });
    }
    if (typeof a !== 'string' && a.on && a.on !== 'compose') {
      const count = a.on === 'devops' ? (spec.devops?.servers ?? 0) : (spec.production?.controlPlanes ?? 0);
      if (count === 0)
        out.push({
          code: 'app/no-cluster',
          path: ['apps', i, 'on'],
          message: `apps[${i}].on "${a.on}" but that cluster has no nodes`,
          hint: 'run it on compose, or give the cluster nodes',
        });
    }
  });
  return out;
}

/**
 * Every app is served as https://<subdomain>.<domain>: two apps on one name, or an app on a host's name, would
 * make the proxy and DNS serve one of them under the other's name.
 */
export function appNameRules({ spec, plan }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const taken = new Map<string, string>();
  const hosts = new Set(plan?.hostNames ?? []);
  for (const e of specApps(spec)) {
    const app = findApp(e.name);
    if (!app) continue;
    const sub = e.subdomain ?? app.subdomain;
    const path = e.subdomain ? [...e.path.slice(0, 2), 'subdomain'] : e.path;
    const fix = `give one of them its own name: { name: ${e.name}, subdomain: <another name> }`;
    const first = taken.get(sub);
    if (first) {
      out.push({
        code: 'app/subdomain-taken',
        path,
        message: `${e.name} would be served at ${sub}.${spec.site.domain}, which ${first} already uses`,
        hint: e.path[0] === 'storage' ? `choose another storage.sync, or ${fix}` : fix,
      });
      continue;
    }
    taken.set(sub, e.name);
    if (hosts.has(sub))
      out.push({
        code: 'app/subdomain-host',
        path,
        message: `${e.name} would be served at ${sub}.${spec.site.domain}, the DNS name of the host ${sub}`,
        hint: fix,
      });
  }
  return out;
}

export function aiRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const nodes = spec.ai?.nodes ?? [];
  const heads = nodes.map((n, i) => [n, i] as const).filter(([n]) => n.role === 'head');
  for (const [, i] of heads.slice(1)) {
    out.push({
      code: 'ai/two-heads',
      path: ['ai', 'nodes', i, 'role'],
      message: `ai.nodes[${i}].role "head": the mesh has one head (it runs the gateway)`,
      hint: 'use role secondary or agent',
    });
  }
  if (nodes.length > 0 && heads.length === 0) {
    out.push({
      code: 'ai/no-head',
      path: ['ai', 'nodes'],
      message: 'ai.nodes has no head node to run the gateway',
      hint: 'mark the largest Mac `role: head`',
    });
  }
  return out;
}

export function referenceRules(ctx: RuleContext): Finding[] {
  const { spec, plan } = ctx;
  const out: Finding[] = [];
  const hosts = plan?.hostNames ?? writtenHosts(spec).map((h) => h.name);
  const nodes = spec.nodes ?? [];
  (spec.watchdogs ?? []).forEach((w, i) => {
    (w.targets ?? []).forEach((t, j) => {
      if (!hosts.includes(t)) {
        const guess = closest(t, hosts);
        out.push({
          code: 'watchdog/unknown-target',
          path: ['watchdogs', i, 'targets', j],
          message: `watchdogs[${i}].targets[${j}] "${t}" is not a host of this site`,
          hint: guess ? `did you mean \`${guess}\`?` : `hosts: ${hosts.join(', ')}`,
        });
      } else if (t === w.name) {
        out.push({
          code: 'watchdog/self-target',
          path: ['watchdogs', i, 'targets', j],
          message: `watchdogs[${i}] "${w.name}" cannot power-cycle itself`,
          hint: 'let another watchdog watch it',
        });
      }
    });
    if (['shelly-gen1', 'shelly-gen2', 'tasmota', 'pikvm'].includes(w.relay) && !w.relayHost) {
      out.push({
        code: 'watchdog/relay-host',
        path: ['watchdogs', i, 'relay'],
        message: `watchdogs[${i}].relay "${w.relay}" needs relayHost (the plug's or PiKVM's name or address)`,
        hint: 'add relayHost: plug-pve1',
      });
    }
    if (w.relay === 'pikvm' && (w.targets ?? []).length > 1) {
      out.push({
        code: 'watchdog/pikvm-one-target',
        path: ['watchdogs', i, 'targets'],
        message: `watchdogs[${i}] uses a PiKVM, which controls one machine, but lists ${w.targets.length} targets`,
        hint: 'one target per PiKVM',
      });
    }
  });
  const backupNodes = nodes.filter((n) => n.role === 'backup').map((n) => n.name);
  for (const key of ['primary', 'mirror'] as const) {
    const v = spec.backup?.[key];
    if (v && !backupNodes.includes(v) && !hosts.includes(v)) {
      out.push({
        code: 'backup/unknown-node',
        path: ['backup', key],
        message: `backup.${key} "${v}" is not a node of this site`,
        hint: backupNodes.length ? `backup nodes: ${backupNodes.join(', ')}` : 'add a node with role backup',
      });
    }
  }
  if (spec.backup?.primary && spec.backup.primary === spec.backup.mirror) {
    out.push({
      code: 'backup/mirror-same',
      path: ['backup', 'mirror'],
      message: `backup.mirror "${spec.backup.mirror}" is the primary itself: a mirror on the same box does not survive it`,
      hint: 'use a second backup node, or remove mirror',
    });
  }
  if (spec.ups?.enabled && spec.ups.host && !nodes.some((n) => n.name === spec.ups!.host)) {
    out.push({
      code: 'ups/unknown-host',
      path: ['ups', 'host'],
      message: `ups.host "${spec.ups.host}" is not a node`,
      hint: `nodes: ${nodes.map((n) => n.name).join(', ')}`,
    });
  }
  if (spec.observability?.honeypot && !(spec.network?.vlans ?? []).some((v) => v.purpose === 'security')) {
    out.push({
      code: 'security/honeypot-vlan',
      path: ['observability', 'honeypot'],
      message: 'observability.honeypot is on but there is no VLAN with purpose security to isolate it',
      hint: 'add { name: security, id: 66, purpose: security } to network.vlans, or turn the honeypot off',
    });
  }
  if ((spec.observability?.alerts ?? []).length === 0) {
    out.push({
      code: 'alerts/none',
      severity: 'warning',
      path: ['observability'],
      message: 'no alert channel: failures will only show on dashboards',
      hint: 'add observability.alerts: [{ type: email, target: you@example.com }]',
    });
  }
  if ((spec.site?.admin?.sshKeys ?? []).length === 0) {
    out.push({
      code: 'site/no-ssh-key',
      severity: 'warning',
      path: ['site'],
      message: 'site.admin.sshKeys is empty: generated hosts will accept no SSH key',
      hint: 'add your public key (cat ~/.ssh/id_ed25519.pub)',
    });
  }
  return out;
}
