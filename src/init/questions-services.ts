// The later init questions: clusters, apps, AI mesh, backups, alerts and the admin key.

import { APP_CATALOG } from '../catalog/apps.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import { checkSshKey } from '../spec/fields.ts';
import { SYNC_OVERLAYS } from '../spec/schema.ts';
import { formatAlert, parseAlert } from './alert-target.ts';
import { setAiNodes } from './derive-ai.ts';
import { backupHosts, setBackup } from './derive-backup.ts';
import { type AnyQuestion, question, setKey } from './question.ts';
import { duplicate } from './questions-site.ts';

/** Sync overlays are catalog apps too, but they are chosen with fileSync; the list offers one only if already there. */
const SYNC_APPS = new Set<string>(SYNC_OVERLAYS);

/** Clusters, apps, AI mesh, backups, alerts and the admin key. */
export const SERVICE_QUESTIONS: AnyQuestion[] = [
  question({
    id: 'controlPlanes',
    prompt: 'Production cluster: Talos control planes',
    help: '1 for a lab without failover, 3 to survive a node loss (etcd needs an odd number).',
    kind: 'select',
    choices: () => [
      { value: 1 as const, name: '1', description: 'no high availability' },
      { value: 3 as const, name: '3', description: 'survives one failure' },
      { value: 5 as const, name: '5', description: 'survives two failures' },
    ],
    fromSpec: (s) => {
      const n = s.production?.controlPlanes ?? 3;
      return n >= 5 ? 5 : n >= 3 ? 3 : 1;
    },
    apply: setKey('production', 'controlPlanes'),
  }),
  question({
    id: 'workers',
    prompt: 'Production cluster: Talos workers',
    help: 'Worker VMs for production workloads; 0 lets the control planes run them.',
    kind: 'number',
    min: 0,
    max: 64,
    fromSpec: (s) => s.production?.workers ?? 0,
    apply: setKey('production', 'workers'),
  }),
  question({
    id: 'devopsWorkers',
    prompt: 'DevOps cluster: k3s workers',
    help: 'k3s agents next to the one server; CI runners and build jobs run here.',
    kind: 'number',
    min: 0,
    max: 32,
    fromSpec: (s) => s.devops?.agents ?? 0,
    apply: setKey('devops', 'agents'),
  }),
  question({
    id: 'apps',
    prompt: 'Apps',
    help: 'Each app gets its DNS name, reverse-proxy route, firewall flows, backups, probes and alerts from the catalog.',
    kind: 'checkbox',
    choices: (current) =>
      APP_CATALOG.filter((a) => !SYNC_APPS.has(a.name) || current.includes(a.name)).map((a) => ({
        value: a.name,
        name: a.name,
        description: a.description,
      })),
    fromSpec: (s) => (s.apps ?? []).map((a) => (typeof a === 'string' ? a : a.name)),
    validate: (v) => {
      const bad = v.find((n) => !APP_CATALOG.some((a) => a.name === n));
      if (bad) return `${bad} is not in the app catalog (${APP_CATALOG.map((a) => a.name).join(', ')})`;
      const dup = duplicate(v);
      return dup ? `${dup} is listed twice` : undefined;
    },
    apply: (s, v) => {
      const mine = new Map((s.apps ?? []).map((a) => [typeof a === 'string' ? a : a.name, a]));
      s.apps = v.map((name) => mine.get(name) ?? name);
    },
  }),
  question({
    id: 'aiNodes',
    prompt: 'AI mesh nodes',
    help: 'Machines serving models behind the OpenAI-compatible gateway: the first is the head, the second a secondary, the rest agents. 0 = no AI mesh.',
    kind: 'number',
    min: 0,
    max: 16,
    fromSpec: (s) => s.ai?.nodes?.length ?? 0,
    apply: setAiNodes,
  }),
  question({
    id: 'backup',
    prompt: 'Proxmox Backup Server',
    help: 'On its own machine (pbs1) so backups survive the cluster, or as a VM on the cluster to save hardware.',
    kind: 'select',
    choices: () => [
      { value: 'node' as const, name: 'node', description: 'a dedicated backup machine' },
      { value: 'vm' as const, name: 'vm', description: 'a VM on the Proxmox VE cluster' },
    ],
    fromSpec: (s) => (backupHosts(s).primary ? 'node' : 'vm'),
    apply: (s, v, a) => {
      setBackup(s, v, a.backupMirror);
    },
  }),
  question({
    id: 'backupMirror',
    prompt: 'Mirror backups to a second PBS machine?',
    help: 'A second Proxmox Backup Server (pbs2) pulls a copy of every backup, ideally in another room or house.',
    kind: 'confirm',
    fromSpec: (s) => backupHosts(s).mirror !== undefined,
    // The mirror pulls from a PBS machine; a PBS VM has none to pull from (the resolver adds the VM only
    // when the site has no backup machine at all).
    when: (a) => a.backup === 'node',
    ifSkipped: false,
    validate: (v, a) =>
      v && a.backup === 'vm'
        ? 'a mirror needs PBS on its own machine: answer backup: node, or no mirror'
        : undefined,
    // Applied by the backup question, which needs both answers to know which machines to keep.
  }),
  question({
    id: 'retention',
    prompt: 'Keep daily/weekly/monthly backups',
    help: 'How many of each to keep, e.g. 7/4/6 keeps a week of dailies, a month of weeklies and half a year of monthlies.',
    kind: 'input',
    parse: (text) => {
      const m = /^\s*(\d+)\s*[/, ]\s*(\d+)\s*[/, ]\s*(\d+)\s*$/.exec(text);
      if (!m) return { error: `"${text}" is not three numbers such as 7/4/6 (daily/weekly/monthly)` };
      return { value: { daily: Number(m[1]), weekly: Number(m[2]), monthly: Number(m[3]) } };
    },
    format: (v) => `${v.daily}/${v.weekly}/${v.monthly}`,
    fromSpec: (s) => {
      const r = s.backup?.retention;
      const d = DEFAULTS.backup.retention;
      return { daily: r?.daily ?? d.daily, weekly: r?.weekly ?? d.weekly, monthly: r?.monthly ?? d.monthly };
    },
    validate: (v) => (v.daily + v.weekly + v.monthly === 0 ? 'keep at least one backup' : undefined),
    apply: (s, v) => {
      s.backup = { ...s.backup, retention: { ...s.backup?.retention, ...v } };
    },
  }),
  question({
    id: 'alerts',
    prompt: 'Alert channel',
    help: 'Where Alertmanager sends alerts: an e-mail address, an ntfy topic URL, a webhook URL or a Matrix room (!id:server). Prefix with ntfy: for a self-hosted ntfy.',
    kind: 'input',
    fromSpec: (s) => {
      const first = s.observability?.alerts?.[0];
      return first ? formatAlert(first) : (s.site.admin?.email ?? '');
    },
    validate: (v) => {
      const parsed = parseAlert(v);
      return typeof parsed === 'string' ? parsed : undefined;
    },
    apply: (s, v) => {
      const channel = parseAlert(v);
      if (typeof channel === 'string') throw new Error(`unvalidated alert answer: ${channel}`);
      const rest = (s.observability?.alerts ?? []).slice(1);
      s.observability = { ...s.observability, alerts: [channel, ...rest] };
    },
  }),
  question({
    id: 'sshKey',
    prompt: 'Admin SSH public key',
    help: 'Installed on every host for the admin user; paste one line of ~/.ssh/id_ed25519.pub, or leave empty to add keys later.',
    kind: 'input',
    fromSpec: (s) => s.site.admin?.sshKeys?.[0] ?? '',
    validate: (v) => (v === '' ? undefined : checkSshKey(v)),
    apply: (s, v) => {
      const rest = (s.site.admin?.sshKeys ?? []).slice(1);
      s.site.admin = { ...s.site.admin, sshKeys: v === '' ? rest : [v.trim(), ...rest] };
    },
  }),
];
