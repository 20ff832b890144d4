// answers ⇄ spec: round trips per tier, derived nodes/AI mesh/backup/VLANs, and re-run defaults from an existing spec.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/parse.ts';
import { specSchema, TIERS } from '../spec/schema.ts';
import { tierDefaults, withTierDefaults } from '../spec/tiers.ts';
import type { Answers } from './answers.ts';
import { QUESTIONS } from './questions.ts';
import { answerErrors, answersToSpec, defaultAnswers, settleSkipped, specToAnswers } from './spec-answers.ts';
import { writeSpecYaml } from './spec-yaml.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG me@laptop';

/** Spec → YAML text → the core parser: no errors from the schema or the spec rules. */
function expectValid(spec: ReturnType<typeof answersToSpec>) {
  expect(specSchema.safeParse(spec).success).toBe(true);
  const parsed = parseSpec(writeSpecYaml(spec));
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(parsed.spec).toEqual(spec);
}

describe('tier defaults', () => {
  it.each(TIERS)('%s: the default answers rebuild the tier exactly', (tier) => {
    const answers = defaultAnswers(tier);
    expect(answerErrors(answers)).toEqual([]);
    const spec = answersToSpec(answers);
    expect(spec).toEqual(tierDefaults(tier));
    expect(specToAnswers(spec)).toEqual(answers);
    expectValid(spec);
  });
});

const custom: Answers = {
  ...defaultAnswers('reference'),
  siteName: 'homelab',
  domain: 'lab.home.example.net',
  supernet: '172.20.0.0/16',
  firewall: 'vyos',
  primaryNic: 'enp1s0',
  systemDrive: '/dev/disk/by-id/nvme-WD_BLACK_SN850X_1000GB_23350K800111',
  poolDrives: [
    '/dev/disk/by-id/ata-ST8000VN004_ZA1',
    '/dev/disk/by-id/ata-ST8000VN004_ZA2',
    '/dev/disk/by-id/ata-ST8000VN004_ZA3',
  ],
  computeNodes: 4,
  storageLayout: 'raidz1',
  fileSync: 'opencloud',
  controlPlanes: 5,
  workers: 3,
  devopsWorkers: 0,
  apps: ['nextcloud', 'immich'],
  aiNodes: 5,
  backup: 'node',
  backupMirror: false,
  retention: { daily: 10, weekly: 5, monthly: 2 },
  alerts: 'ntfy:https://push.example.net/lab',
  sshKey: KEY,
};

describe('answersToSpec', () => {
  it('derives nodes, AI mesh, backup and alerts from custom answers, and round-trips', () => {
    const spec = answersToSpec(custom);
    expectValid(spec);
    expect(specToAnswers(spec)).toEqual(custom);

    const nodes = spec.nodes!;
    expect(nodes.map((n) => `${n.name}:${n.role}`)).toEqual([
      'pve1:primary',
      'pve2:compute',
      'pve3:compute',
      'pve4:compute',
      'pve5:compute',
      'pbs1:backup',
      'sec1:security',
    ]);
    // Compute drives are placeholders derived from the primary's, one per primary drive.
    expect(nodes[4]!.drives!.map((d) => d.id)).toEqual([
      '/dev/disk/by-id/nvme-WD_BLACK_SN850X_1000GB_23350K800111-pve5',
      '/dev/disk/by-id/ata-ST8000VN004_ZA1-pve5',
      '/dev/disk/by-id/ata-ST8000VN004_ZA2-pve5',
      '/dev/disk/by-id/ata-ST8000VN004_ZA3-pve5',
    ]);
    expect(nodes.every((n) => n.role !== 'compute' || n.nic?.name === 'enp1s0')).toBe(true);
    expect(spec.ai!.nodes!.map((n) => n.role)).toEqual(['head', 'secondary', 'agent', 'agent', 'agent']);
    expect(new Set(spec.ai!.nodes!.map((n) => n.name)).size).toBe(5);
    expect(spec.backup).toMatchObject({
      primary: 'pbs1',
      retention: { daily: 10, weekly: 5, monthly: 2, yearly: 1 },
    });
    expect(spec.backup!.mirror).toBeUndefined();
    expect(spec.observability!.alerts).toEqual([{ type: 'ntfy', target: 'https://push.example.net/lab' }]);
    expect(spec.site.admin!.sshKeys).toEqual([KEY]);
    expect(spec.network!.firewall!.platform).toBe('vyos');
    expect(spec.apps).toEqual(['nextcloud', 'immich']);
  });

  it('PBS as a VM removes the backup machines; no AI nodes removes the ai VLAN; watchdogs lose removed targets', () => {
    const spec = answersToSpec({ ...custom, computeNodes: 0, backup: 'vm', aiNodes: 0 });
    expectValid(spec);
    expect(spec.nodes!.map((n) => n.name)).toEqual(['pve1', 'sec1']);
    expect(spec.backup!.primary).toBeUndefined();
    expect(spec.ai!.nodes).toEqual([]);
    expect(spec.network!.vlans!.some((v) => v.purpose === 'ai')).toBe(false);
    expect(spec.watchdogs!.map((w) => w.targets)).toEqual([['pve1'], ['sec1']]);
  });

  it('adds the ai VLAN and a mirror machine when a tier without them asks for them', () => {
    const answers = { ...defaultAnswers('single'), aiNodes: 1, backup: 'node' as const, backupMirror: true };
    const spec = answersToSpec(answers);
    expectValid(spec);
    expect(spec.network!.vlans!.map((v) => `${v.name}:${v.id}`)).toEqual(['mgmt:10', 'servers:20', 'ai:40']);
    expect(spec.backup).toMatchObject({ primary: 'pbs1', mirror: 'pbs2' });
    expect(specToAnswers(spec)).toEqual(answers);
  });

  it('a new supernet drops VLAN subnets and addresses outside it so they are carved afresh', () => {
    const existing = tierDefaults('reference');
    existing.network!.vlans![0]!.cidr = '10.20.10.0/24';
    existing.nodes![0]!.address = '10.20.10.11';
    const spec = answersToSpec({ ...specToAnswers(existing), supernet: '192.168.0.0/16' }, existing);
    expect(spec.network!.vlans![0]!.cidr).toBeUndefined();
    expect(spec.nodes![0]!.address).toBeUndefined();
    expectValid(spec);
  });
});

describe('re-running on an existing beelab.yaml', () => {
  it('offers the current values as defaults and keeps what no question covers', () => {
    const existing = answersToSpec(custom);
    existing.nodes![1]!.drives = [{ id: '/dev/disk/by-id/nvme-real-serial-1', role: 'system', sizeGb: 1000 }];
    existing.watchdogs = [{ name: 'wd9', relay: 'tasmota', relayHost: 'plug9', targets: ['pve2'] }];
    existing.apps = [{ name: 'immich', on: 'devops', version: 'v2.4.0' }, 'nextcloud'];
    const defaults = defaultAnswers('reference', existing);
    expect(defaults).toEqual({ ...custom, apps: ['immich', 'nextcloud'] });

    // Accepting every default changes nothing; one more compute node keeps the real drives of pve2.
    expect(answersToSpec(defaults, existing)).toEqual(existing);
    const more = answersToSpec({ ...defaults, computeNodes: 5 }, existing);
    expect(more.nodes!.find((n) => n.name === 'pve2')!.drives).toEqual(existing.nodes![1]!.drives);
    expect(more.nodes!.filter((n) => n.role === 'compute').map((n) => n.name)).toContain('pve6');
    expect(more.watchdogs).toEqual(existing.watchdogs);
    expect(more.apps).toEqual(existing.apps);
  });

  it.each(TIERS)('examples/%s/beelab.yaml, written by hand: its own answers rebuild it unchanged', (tier) => {
    const text = readFileSync(new URL(`../../examples/${tier}/beelab.yaml`, import.meta.url), 'utf8');
    const existing = parseSpec(text).spec!;
    expect(existing).toBeDefined();
    expect(answersToSpec(defaultAnswers(existing.tier ?? 'reference', existing), existing)).toEqual(
      withTierDefaults(existing),
    );
  });

  it('keeps a sync overlay listed as an app (the checkbox offers it only then)', () => {
    const existing = tierDefaults('compact');
    existing.apps = ['immich', 'seafile'];
    const answers = defaultAnswers('compact', existing);
    expect(answers.apps).toEqual(['immich', 'seafile']);
    expect(answerErrors(answers)).toEqual([]);
    expect(answersToSpec(answers, existing)).toEqual(existing);
    const apps = QUESTIONS.find((q) => q.id === 'apps')!;
    const offered = (current: string[]) => (apps.choices as (c: string[]) => { value: string }[])(current);
    expect(offered(['immich']).map((c) => c.value)).not.toContain('seafile');
    expect(offered(['immich', 'seafile']).map((c) => c.value)).toContain('seafile');
  });

  it('another tier starts from that tier, not from the existing spec', () => {
    const existing = answersToSpec(custom);
    expect(defaultAnswers('single', existing)).toEqual(defaultAnswers('single'));
  });

  it('a mirror default from the tier gives way when the user chose PBS as a VM', () => {
    const answers = { ...defaultAnswers('reference'), backup: 'vm' as const };
    expect(answerErrors(answers)).toEqual([['backupMirror', expect.stringContaining('own machine')]]);
    expect(settleSkipped(answers, new Set(['backup'])).backupMirror).toBe(false);
    expect(settleSkipped(answers, new Set(['backup', 'backupMirror'])).backupMirror).toBe(true);
  });
});

describe('answerErrors', () => {
  it.each<[Partial<Answers>, string, string]>([
    [{ siteName: 'My Lab' }, 'siteName', 'DNS-safe'],
    [{ domain: 'localhost' }, 'domain', 'not a domain'],
    [{ supernet: '8.8.0.0/16' }, 'supernet', 'not a private range'],
    [{ supernet: '10.20.1.0/16' }, 'supernet', 'did you mean 10.20.0.0/16'],
    [{ supernet: '10.20.0.0/25' }, 'supernet', 'too small'],
    [{ systemDrive: '/dev/sda' }, 'systemDrive', '/dev/disk/by-id'],
    [{ poolDrives: ['/dev/disk/by-id/a', '/dev/disk/by-id/a'] }, 'poolDrives', 'listed twice'],
    [{ storageLayout: 'raidz2' }, 'storageLayout', 'at least 4 pool drives'],
    [{ apps: ['immych'] }, 'apps', 'not in the app catalog'],
    [{ alerts: 'somewhere' }, 'alerts', 'not an alert target'],
    [{ sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5' }, 'sshKey', 'cut or corrupted'],
    [{ sshKey: 'my key' }, 'sshKey', 'not an OpenSSH public key'],
    [{ retention: { daily: 0, weekly: 0, monthly: 0 } }, 'retention', 'at least one'],
  ])('%j → %s: %s', (change, id, fragment) => {
    const errors = answerErrors({ ...defaultAnswers('reference'), ...change });
    expect(errors).toEqual([[id, expect.stringContaining(fragment)]]);
  });
});
