// The backup layer's steps: backup servers, then the cluster's storage and job, then restic; restores only in a
// rebuild, ordered after everything on their host; the VM restore picks the newest verified snapshot (its Python
// runs for real on API-shaped listings) and its script passes bash -n and shellcheck.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { needTool } from '../../../test/support/tools.ts';
import { applySteps, collectSteps } from '../../apply/collect.ts';
import { buildGraph } from '../../apply/graph.ts';
import { rebuildSteps } from '../../apply/rebuild.ts';
import { renderSite } from '../../project/render-site.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import { BACKUP_PLAYBOOK, RESTIC_RESTORE_TAG } from './ansible.ts';
import { backupModel } from './model.ts';
import { resticSources } from './restic.ts';
import { BACKUP_STEPS, backupSteps, restoreVmScript } from './steps.ts';

describe.each(['reference', 'single', 'compact'] as const)('%s', (name) => {
  const site = exampleSite(name);
  const files = renderSite(site);
  const model = backupModel(site)!;
  const steps = backupSteps(site, files);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const hosts = new Set(site.hosts.map((h) => h.name));

  it('configures the backup servers, then the storage and job, then restic; reads only files that exist', () => {
    expect(steps.slice(0, 2).map((s) => s.id)).toEqual([BACKUP_STEPS.pbs, BACKUP_STEPS.pve]);
    expect(byId.get(BACKUP_STEPS.pve)!.after).toEqual([BACKUP_STEPS.pbs]);
    expect(byId.get(BACKUP_STEPS.restic)!.after).toEqual([BACKUP_STEPS.pbs]);
    const secrets = new Set(siteSecrets(site).map((s) => s.name));
    for (const s of steps) {
      for (const f of s.inputs) expect(files.has(f), `${s.id} reads ${f}`).toBe(true);
      for (const x of s.secrets ?? []) expect(secrets, `${s.id} needs ${x}`).toContain(x);
    }
    expect(byId.get(BACKUP_STEPS.pve)!.secrets).toContain('pbs-encryption-key');
  });

  it('a restore per VM (not the backup servers, not a firewall VM) and per restic client, only in a rebuild', () => {
    const vmRestores = steps.filter((s) => s.id.startsWith('backup/restore/'));
    expect(vmRestores.map((s) => s.hosts[0]).sort()).toEqual(
      model.vms
        .filter((h) => h.name !== site.firewall.host)
        .map((h) => h.name)
        .sort(),
    );
    const fileRestores = steps.filter((s) => s.id.startsWith('backup/restore-files/'));
    expect(fileRestores.map((s) => s.hosts[0])).toEqual(resticSources(site, model).map((s) => s.host.name));
    for (const s of [...vmRestores, ...fileRestores]) expect(s.rebuild?.phase).toBe('restore');
    for (const s of fileRestores)
      expect(s.run).toMatchObject({
        playbook: BACKUP_PLAYBOOK,
        tags: [RESTIC_RESTORE_TAG],
        limit: s.hosts[0],
      });
    const all = collectSteps(site, files);
    expect(applySteps(all).some((s) => s.rebuild?.phase === 'restore')).toBe(false);
    expect(applySteps(all).length).toBe(all.length - vmRestores.length - fileRestores.length);
    // The restore play runs only when asked for: its tags include never.
    const plays = parse(files.get(BACKUP_PLAYBOOK)!.content) as { tags: string[] }[];
    expect(plays.find((p) => p.tags.includes(RESTIC_RESTORE_TAG))!.tags).toContain('never');
  });

  it('apply and rebuild --all form valid graphs; a restore comes after everything else on its host', () => {
    const all = collectSteps(site, files);
    buildGraph(applySteps(all), hosts);
    const rb = rebuildSteps(site, buildGraph(all, hosts).order, undefined);
    const order = buildGraph(rb.steps, hosts).order.map((s) => s.id);
    for (const s of rb.steps.filter((x) => x.rebuild?.phase === 'restore')) {
      const others = rb.steps.filter((o) => o.hosts.includes(s.hosts[0]!) && o.rebuild?.phase !== 'restore');
      for (const o of others)
        expect(order.indexOf(o.id), `${o.id} before ${s.id}`).toBeLessThan(order.indexOf(s.id));
    }
    // Hosts whose data a backup restores are no longer reported as having no restore step.
    for (const vm of model.vms.filter((h) => h.name !== site.firewall.host))
      expect(rb.notes.join('\n')).not.toContain(`${vm.name} holds service data but no layer`);
  });
});

describe('the VM restore', () => {
  const script = restoreVmScript('pve1', 'pbs1', 120);
  const py = /python3 -c '([^']+)'/.exec(script)![1]!;
  const pick = (listing: unknown[], mode: string) =>
    spawnSync('python3', ['-c', py, mode], {
      input: JSON.stringify(listing),
      encoding: 'utf8',
    }).stdout.trim();
  // As GET /nodes/{node}/storage/{storage}/content returns them (test/reference: verification.state, ctime, volid).
  const snap = (day: number, state?: string) => ({
    volid: `pbs1:backup/vm/120/2026-11-${day}T02:00:00Z`,
    ctime: 1_795_000_000 + day * 86_400,
    format: 'pbs-vm',
    size: 1,
    vmid: 120,
    ...(state ? { verification: { state, upid: 'UPID:pbs1' } } : {}),
  });

  it.runIf(needTool('python3', 'apt-get install python3'))(
    'takes the newest verified snapshot, the newest at all only when allowed, nothing when none is verified',
    () => {
      const listing = [snap(20, 'ok'), snap(22, 'ok'), snap(23, 'failed'), snap(24)];
      expect(pick(listing, 'verified')).toBe(snap(22).volid);
      expect(pick(listing, 'allow-unverified')).toBe(snap(24).volid);
      expect(pick([snap(23, 'failed'), snap(24)], 'verified')).toBe('');
    },
  );

  it('restores with the API (force over the new empty VM, same MAC), stops a running VM first, starts it', () => {
    expect(script).toContain(
      'pvesh create /nodes/pve1/qemu --vmid 120 --archive "$volid" --force 1 --unique 0',
    );
    expect(script.indexOf('status/stop')).toBeLessThan(script.indexOf('--archive'));
    expect(script.trim().split('\n').at(-1)).toBe('pvesh create /nodes/pve1/qemu/120/status/start');
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
  });

  it.runIf(needTool('shellcheck', 'apt-get install shellcheck'))(
    'the step scripts are shellcheck-clean',
    () => {
      const site = exampleSite('reference');
      for (const s of backupSteps(site, renderSite(site)))
        for (const sh of [
          s.run.kind === 'shell' ? s.run.script : '',
          s.verify?.kind === 'shell' ? s.verify.script : '',
        ])
          if (sh) {
            const r = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: sh, encoding: 'utf8' });
            expect(r.stdout, s.id).toBe('');
          }
    },
  );
});
