import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterEach, describe, expect, it } from 'vitest';
import { renderProject } from '../project/render.ts';
import { JOURNAL_PATH } from './journal.ts';
import { runApply, runRebuild } from './run.ts';
import { removeTempSites, tempSite } from './testing/fixtures.ts';

afterEach(removeTempSites);

const EXAMPLE = new URL('../../examples/single', import.meta.url).pathname;

async function renderedSite(): Promise<string> {
  const dir = tempSite();
  cpSync(EXAMPLE, dir, { recursive: true });
  await renderProject(dir);
  return dir;
}

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s) }, text: () => text };
}

describe('beelab apply / rebuild (command logic)', () => {
  it('--dry-run prints every step in order with its exact command, and runs nothing', async () => {
    const dir = await renderedSite();
    const c = capture();
    await runApply(dir, { dryRun: true }, { stdout: c.out, stdinIsTTY: false });
    // 30 with the backup layer's three (its restore steps are for a rebuild only), Talos's StorageClass and each
    // cluster's apps step, which applies the exporters Prometheus scrapes even where no app runs on the cluster
    expect(c.text()).toMatch(/^Plan: 30 of 30 steps to run/);
    expect(c.text()).toContain('talos/apps');
    expect(c.text()).toContain('k3s/apps');
    expect(c.text()).toContain('talos/storage');
    expect(c.text()).toContain('backup/pve-storage');
    expect(c.text()).not.toContain('backup/restore');
    // the physical layer's playbook, one tag group per step, with the project's ansible.cfg
    expect(c.text()).toContain(
      'env ANSIBLE_CONFIG=ansible/ansible.cfg ansible-playbook -i ansible/inventory.yml ansible/playbooks/physical.yml --tags base',
    );
    expect(c.text()).toContain('| nft -c -f "$d/nftables.conf"');
    expect(c.text()).toContain(
      "$ bash -euo pipefail -c <this script>\n           | ansible -i ansible/inventory.yml 'layer_backup:&ssh' -m ansible.builtin.ping",
    );
    expect(() => readFileSync(join(dir, JOURNAL_PATH))).toThrow();
  });

  it('refuses without a terminal and without --yes', async () => {
    const dir = await renderedSite();
    const c = capture();
    await expect(runApply(dir, {}, { stdout: c.out, stdinIsTTY: false })).rejects.toThrow(
      'refusing to apply without a terminal to ask on',
    );
  });

  it('refuses when the disk is not what beelab.yaml renders', async () => {
    const dir = await renderedSite();
    writeFileSync(join(dir, 'network/linux/nftables.conf'), 'edited');
    await expect(
      runApply(dir, { dryRun: true }, { stdout: capture().out, stdinIsTTY: false }),
    ).rejects.toThrow(/is not what beelab\.yaml renders/);
  });

  it('a corrupt journal stops apply and --resume with the file and line; --history too', async () => {
    const dir = await renderedSite();
    writeFileSync(join(dir, JOURNAL_PATH), '{"v":1,"type":"run-start"}\n');
    const io = { stdout: capture().out, stdinIsTTY: false };
    await expect(runApply(dir, { resume: true, yes: true }, io)).rejects.toThrow(
      '.beelab/journal.jsonl:1: not a journal record',
    );
    await expect(runApply(dir, { dryRun: true }, io)).rejects.toThrow('.beelab/journal.jsonl:1');
    await expect(runApply(dir, { history: true }, io)).rejects.toThrow('.beelab/journal.jsonl:1');
  });

  it('--resume with nothing to resume says so', async () => {
    const dir = await renderedSite();
    await expect(
      runApply(dir, { resume: true, yes: true }, { stdout: capture().out, stdinIsTTY: false }),
    ).rejects.toThrow(/nothing to resume/);
  });

  it('--yes runs real processes: failures are journaled with their logs, secrets are created once', async () => {
    const dir = await renderedSite();
    const key = await generateIdentity();
    const spec = readFileSync(join(dir, 'beelab.yaml'), 'utf8');
    const rec = await identityToRecipient(key);
    writeFileSync(
      join(dir, 'beelab.yaml'),
      spec.replace(/admin:\n/, `admin:\n    ageRecipients: [${rec}]\n`),
    );
    await renderProject(dir);
    const c = capture();
    // The firewall step's real ssh fails locally (ProxyCommand=false: no packet leaves this machine).
    process.env.BEELAB_SSH_OPTS = '-o ProxyCommand=false';
    const err = await runApply(
      dir,
      { yes: true, only: ['network'] },
      { stdout: c.out, stdinIsTTY: false },
    ).catch((e) => e);
    delete process.env.BEELAB_SSH_OPTS;
    expect(err.exitCode).toBe(1);
    expect(c.text()).toContain(
      'Created secrets: k3s-token, grafana-admin-password, immich-db-password, pbs-pve-token-backup, pbs-exporter-token, restic-password, pbs-encryption-key',
    );
    expect(c.text()).toMatch(/FAILED\s+network\/firewall 0\.\ds: exit 255 \(log (\S+)\)/);
    const log = /log (\.beelab\/logs\/\S+\.log)/.exec(c.text())![1]!;
    expect(readFileSync(join(dir, log), 'utf8')).toMatch(/# failed: exit 255/);
    const journal = readFileSync(join(dir, JOURNAL_PATH), 'utf8');
    expect(journal).toContain('"status":"failed"');
    const history = capture();
    await runApply(dir, { history: true }, { stdout: history.out, stdinIsTTY: false });
    expect(history.text()).toMatch(/apply \[network\]\s+failed/);
    expect(history.text()).toMatch(/network\/firewall: failed/);
  }, 30_000);

  it('rebuild needs HOST or --all, and a known host', async () => {
    const dir = await renderedSite();
    const io = { stdout: capture().out, stdinIsTTY: false };
    await expect(runRebuild(dir, undefined, {}, io)).rejects.toThrow(/give a HOST or --all/);
    await expect(runRebuild(dir, 'nope', { dryRun: true }, io)).rejects.toThrow(/no host nope/);
    const c = capture();
    await runRebuild(dir, undefined, { all: true, dryRun: true }, { stdout: c.out, stdinIsTTY: false });
    expect(c.text()).toMatch(/1 run {2}rebuild\/pve1\/install\s+rebuild from bare hardware/);
  });
});
