// The interactive flow, driven for real: @inquirer/prompts reads typed keys from a stream, no prompt is mocked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tierDefaults } from '../spec/tiers.ts';
import { askAnswers } from './interactive.ts';
import { QUESTIONS } from './questions.ts';
import { answersToSpec, defaultAnswers, specToAnswers } from './spec-answers.ts';
import { KEY, memoryTerminal, TerminalDriver } from './terminal-driver.ts';

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG me@laptop';

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
/** A home directory for the run, so what is in the real ~/.ssh never leaks into a test. */
function tempHome(): string {
  homes.push(mkdtempSync(join(tmpdir(), 'beelab-home-')));
  return homes.at(-1)!;
}

describe('askAnswers', () => {
  it('asks every question, validates as typed, and builds the spec from the answers', async () => {
    const home = tempHome();
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), `${SSH_KEY}\n`);
    const term = memoryTerminal();
    const drive = new TerminalDriver(term.output, term.input);
    const asked = askAnswers(undefined, { ...term, home });

    await drive.answer('Tier', KEY.up, KEY.enter); // reference → compact
    await drive.answer('Site name', 'homelab', KEY.enter);
    await drive.answer('Domain', KEY.enter);
    await drive.answer('IP range (supernet)', '8.8.0.0/16', KEY.enter);
    await drive.waitFor('is not a private range');
    drive.type(KEY.clearLine, '192.168.64.0/18', KEY.enter);
    await drive.answer('Firewall platform', KEY.enter);
    await drive.answer('Primary node NIC', 'enp1s0', KEY.enter);
    await drive.answer('Primary node system drive', '/dev/sda', KEY.enter);
    await drive.waitFor('not a stable drive id');
    drive.type(KEY.clearLine, '/dev/disk/by-id/nvme-WD_BLACK_SN850X_1000GB_23350K800111', KEY.enter);
    await drive.answer('Primary node pool drives', KEY.enter);
    await drive.answer('Compute nodes besides the primary', '3', KEY.enter);
    await drive.answer('Storage pool layout', KEY.down, KEY.enter); // mirror → raidz1, but there are 2 drives
    await drive.waitFor('needs at least 3 pool drives');
    await drive.answer('Storage pool layout', KEY.enter); // asked again, from the default: mirror
    await drive.answer('File sync on the pool', KEY.enter);
    await drive.answer('Talos control planes', KEY.enter);
    await drive.answer('Talos workers', '2', KEY.enter);
    await drive.answer('k3s workers', KEY.enter);
    // immich, vaultwarden, paperless-ngx, jellyfin, ...: tick jellyfin, untick vaultwarden.
    await drive.answer('Apps', KEY.down, KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter);
    await drive.answer('AI mesh nodes', '3', KEY.enter);
    await drive.answer('Proxmox Backup Server', KEY.up, KEY.enter); // vm → node
    await drive.answer('Mirror backups to a second PBS machine?', 'y', KEY.enter);
    await drive.answer('Keep daily/weekly/monthly backups', '14/8/12', KEY.enter);
    await drive.answer('Alert channel', 'https://ntfy.sh/homelab', KEY.enter);
    // The key found in ~/.ssh is the default: Enter takes it.
    await drive.waitFor(`The default is your ${join(home, '.ssh', 'id_ed25519.pub')}`);
    await drive.answer('Admin SSH public key', KEY.enter);

    const answers = await asked;
    expect(answers).toEqual({
      ...defaultAnswers('compact'),
      siteName: 'homelab',
      supernet: '192.168.64.0/18',
      primaryNic: 'enp1s0',
      systemDrive: '/dev/disk/by-id/nvme-WD_BLACK_SN850X_1000GB_23350K800111',
      computeNodes: 3,
      workers: 2,
      apps: ['immich', 'paperless-ngx', 'jellyfin', 'uptime-kuma'],
      aiNodes: 3,
      backup: 'node',
      backupMirror: true,
      retention: { daily: 14, weekly: 8, monthly: 12 },
      alerts: 'https://ntfy.sh/homelab',
      sshKey: SSH_KEY,
    });
    // The help of each question is on screen above its prompt.
    expect(drive.screen).toContain('A short DNS-safe name for this lab');

    const spec = answersToSpec(answers);
    expect(spec.nodes!.map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3', 'pve4', 'pbs1', 'pbs2']);
    expect(spec.ai!.nodes!.map((n) => n.role)).toEqual(['head', 'secondary', 'agent']);
    expect(spec.backup).toMatchObject({ primary: 'pbs1', mirror: 'pbs2' });
    expect(specToAnswers(spec)).toEqual(answers);
  });

  it('on a re-run offers the current values: Enter everywhere gives back the same answers', async () => {
    const existing = answersToSpec({
      ...defaultAnswers('compact'),
      siteName: 'homelab',
      computeNodes: 0,
      aiNodes: 0,
    });
    const term = memoryTerminal();
    const drive = new TerminalDriver(term.output, term.input);
    const asked = askAnswers(existing, { ...term, home: tempHome() });
    const current = specToAnswers(existing);
    expect(current.siteName).toBe('homelab');
    for (const q of QUESTIONS) {
      if (q.when && !q.when(current)) continue;
      await drive.answer(q.prompt, KEY.enter);
    }
    const answers = await asked;
    expect(answers).toEqual(specToAnswers(existing));
    expect(answersToSpec(answers, existing)).toEqual(existing);
    // The default shown is the current value, not the tier's.
    expect(drive.screen).toContain('Site name (homelab)');
    expect(tierDefaults('compact').site.name).not.toBe('homelab');
  });
});
