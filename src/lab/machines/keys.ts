// SSH keys of a lab run: the admin keys checked by ssh-keygen, a throwaway lab key, per-machine host keys, known_hosts.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.ts';

/** The keys a run's machines accept and the identity the lab logs in with (when it has the private key). */
export interface LabKeys {
  /** Public keys written to the SSH user's authorized_keys on every machine. */
  authorized: string[];
  /** The lab's own private key when the machines accept it (no admin key set), else undefined. */
  identity?: string;
  /** known_hosts of the run: every machine's host key at its address, name and FQDN. */
  knownHosts: string;
  /** Where the keys came from, for the log. */
  source: 'admin' | 'lab';
}

export function sshDir(runDir: string): string {
  return join(runDir, 'ssh');
}

/** Throws a UserError naming each admin key that `ssh-keygen -l` does not accept as a public key. */
export async function checkPublicKeys(keys: string[], scratch: string): Promise<void> {
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const bad: string[] = [];
  for (const [i, key] of keys.entries()) {
    const file = join(scratch, `admin-key-${i}.pub`);
    writeFileSync(file, `${key.trim()}\n`);
    const r = await execa('ssh-keygen', ['-l', '-f', file], { reject: false });
    rmSync(file, { force: true });
    if (r.exitCode !== 0) {
      const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
      bad.push(
        `  site.admin.sshKeys[${i}] "${shown}": ${(r.stderr || r.stdout).trim() || 'not a public key'}`,
      );
    }
  }
  if (bad.length > 0) {
    throw new UserError('beelab.yaml has an admin SSH key that is not a valid public key', [
      ...bad,
      '  hint: paste the whole line of your id_ed25519.pub (ssh-keygen -l -f FILE checks one)',
    ]);
  }
}

async function keygen(file: string, comment: string): Promise<string> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/**
 * The run's keys: the admin keys from beelab.yaml (checked) when set, otherwise a throwaway ed25519 key
 * generated in the run directory (removed with it).
 */
export async function labKeys(runDir: string, adminKeys: string[], id: string): Promise<LabKeys> {
  const dir = sshDir(runDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (adminKeys.length > 0) {
    await checkPublicKeys(adminKeys, dir);
    return {
      authorized: adminKeys.map((k) => k.trim()),
      knownHosts: join(dir, 'known_hosts'),
      source: 'admin',
    };
  }
  const identity = join(dir, 'id_ed25519');
  // A run keeps its key: a machine booted again later (the drill) takes the same one.
  const pub = existsSync(`${identity}.pub`)
    ? readFileSync(`${identity}.pub`, 'utf8').trim()
    : await keygen(identity, `beelab-lab-${id}`);
  return { authorized: [pub], identity, knownHosts: join(dir, 'known_hosts'), source: 'lab' };
}

/** Generates a machine's ed25519 host key into `etcSsh` (its upper layer) and returns the public key. */
export async function hostKey(etcSsh: string, host: string): Promise<string> {
  mkdirSync(etcSsh, { recursive: true, mode: 0o755 });
  const pub = await keygen(join(etcSsh, 'ssh_host_ed25519_key'), `root@${host}`);
  // `ssh-keygen -C` comments are not part of a known_hosts key: keep type and key only.
  return pub.split(' ').slice(0, 2).join(' ');
}
