// Boots the lab's machines: an overlay of the shared root per machine, its identity in the upper layer, systemd-nspawn in its namespace, sshd awaited.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.ts';
import type { LabContext } from '../context.ts';
import { hostKey, type LabKeys } from './keys.ts';
import type { LabMachine } from './plan.ts';
import { machinesDir, mountsUnder } from './stop.ts';

/** How long a machine may take from nspawn's start until its sshd answers with its own host key. */
export const BOOT_TIMEOUT_MS = 90_000;

export interface MachinePaths {
  dir: string;
  upper: string;
  work: string;
  merged: string;
  console: string;
  pid: string;
}

export function machinePaths(runDir: string, m: LabMachine): MachinePaths {
  const dir = join(machinesDir(runDir), m.port);
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    merged: join(dir, 'merged'),
    console: join(dir, 'console.log'),
    pid: join(dir, 'nspawn.pid'),
  };
}

/** The shared root, bind-mounted read-only inside the run directory: the overlays' only lower layer. */
export function lowerDir(runDir: string): string {
  return join(machinesDir(runDir), 'lower');
}

async function run(argv: string[], what: string, input?: string): Promise<void> {
  const r = await execa(argv[0]!, argv.slice(1), { reject: false, input });
  if (r.exitCode !== 0)
    throw new Error(`${what}: ${argv.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
}

/** Mounts the read-only view of the shared root once per run. */
export async function mountLower(runDir: string, root: string): Promise<string> {
  const lower = lowerDir(runDir);
  mkdirSync(lower, { recursive: true });
  if (!mountsUnder(lower).includes(lower)) {
    await run(['mount', '--bind', root, lower], 'shared root');
    // A bind mount takes the read-only flag only on a remount.
    await run(['mount', '-o', 'remount,bind,ro', lower], 'shared root');
  }
  return lower;
}

/**
 * The machine's own identity, written into its upper layer before the overlay is mounted: hostname, hosts,
 * machine id, resolver (the VLAN's gateway, as on the real network), an ed25519 host key and an sshd
 * drop-in that uses only that key. Returns the host key for known_hosts.
 */
async function seedUpper(ctx: LabContext, m: LabMachine, p: MachinePaths): Promise<string> {
  const etc = join(p.upper, 'etc');
  mkdirSync(join(etc, 'ssh', 'sshd_config.d'), { recursive: true });
  mkdirSync(p.work, { recursive: true });
  mkdirSync(p.merged, { recursive: true });
  writeFileSync(join(etc, 'hostname'), `${m.host}\n`);
  writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n${m.address} ${m.fqdn} ${m.host}\n`);
  const machineId = Buffer.from(`${ctx.plan.id}${m.port}`.padEnd(16, '0')).toString('hex').slice(0, 32);
  writeFileSync(join(etc, 'machine-id'), `${machineId}\n`);
  writeFileSync(join(etc, 'resolv.conf'), `nameserver ${m.gateway}\nsearch ${ctx.site.domain}\n`);
  writeFileSync(
    join(etc, 'ssh', 'sshd_config.d', 'beelab-lab.conf'),
    '# beelab lab: this machine has one host key of its own, generated for the lab run\nHostKey /etc/ssh/ssh_host_ed25519_key\n',
  );
  return hostKey(join(etc, 'ssh'), m.host);
}

/**
 * The inventory's SSH user with the run's authorized keys and passwordless sudo, as a cloud image's default
 * user has them. Runs in a chroot of the merged overlay, so it only writes the machine's upper layer.
 */
async function addUser(p: MachinePaths, user: string, keys: string[]): Promise<void> {
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const script = [
    user === 'root'
      ? ':'
      : `id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}`,
    user === 'root'
      ? ':'
      : `echo '${user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-beelab-lab && chmod 0440 /etc/sudoers.d/90-beelab-lab`,
    `install -d -m 0700 -o ${user} -g ${user} ${home}/.ssh`,
    `cat > ${home}/.ssh/authorized_keys`,
    `chown ${user}:${user} ${home}/.ssh/authorized_keys && chmod 0600 ${home}/.ssh/authorized_keys`,
  ].join('\n');
  await run(['chroot', p.merged, '/bin/sh', '-euc', script], `user ${user}`, `${keys.join('\n')}\n`);
}

/** nspawn's argv: boot systemd, no registration with machined (none here), the machine's own namespace. */
export function nspawnArgv(m: LabMachine, merged: string): string[] {
  return [
    'systemd-nspawn',
    '--register=no',
    '--keep-unit',
    '--boot',
    `--directory=${merged}`,
    `--network-namespace-path=/run/netns/${m.netns}`,
    // The machine manages its own namespace's network (its nftables host firewall), as --private-network
    // would allow; that namespace is the lab's, so nothing outside it changes.
    '--capability=CAP_NET_ADMIN',
    `--machine=${m.machine}`,
    // Nothing from the host: no resolv.conf or timezone copied in, no journal linked out, no .nspawn files.
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    '--settings=no',
    '--console=read-only',
  ];
}

/** Starts nspawn detached (its own process group), output to the console log; returns its pid. */
function startNspawn(m: LabMachine, p: MachinePaths): { pid: number; exited: () => number | null } {
  const log = openSync(p.console, 'a');
  const argv = nspawnArgv(m, p.merged);
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code, sig) => {
    exited = code ?? (sig ? 128 : -1);
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`lab: could not start systemd-nspawn for ${m.host}`);
  writeFileSync(p.pid, `${child.pid}\n`);
  return { pid: child.pid, exited: () => exited };
}

/** The machine's ed25519 host key as sshd presents it at its address, seen from the management namespace. */
async function scanKey(mgmtNs: string, address: string): Promise<string | undefined> {
  const r = await execa('ip', ['netns', 'exec', mgmtNs, 'ssh-keyscan', '-T', '2', '-t', 'ed25519', address], {
    reject: false,
    timeout: 5000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${address} `));
  return line?.split(' ').slice(1, 3).join(' ');
}

/** The last lines of the machine's journal (from its upper layer), else of its console. */
export async function bootLog(p: MachinePaths, lines = 30): Promise<string[]> {
  const journal = join(p.upper, 'var', 'log', 'journal');
  if (existsSync(journal)) {
    const r = await execa(
      'journalctl',
      ['--directory', journal, '--no-pager', '-n', String(lines), '-o', 'short'],
      {
        reject: false,
      },
    );
    if (r.exitCode === 0 && r.stdout.trim() && !r.stdout.includes('-- No entries --'))
      return ['journal:', ...r.stdout.trim().split('\n')];
  }
  const text = existsSync(p.console) ? readFileSync(p.console, 'utf8') : '';
  // nspawn's console carries terminal colour codes; the message must stay readable.
  const clean = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), '').trim();
  return ['console:', ...(clean ? clean.split('\n').slice(-lines) : ['(no output)'])];
}

export interface BootOptions {
  root: string;
  keys: LabKeys;
  /** SSH user per host, from the generated inventory. */
  users: Map<string, string>;
  /** Namespace sshd is awaited from (the management VLAN). */
  from: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Checked before each mount, start and wait: nothing starts once the lab is being removed. */
  signal?: AbortSignal;
}

async function bootOne(ctx: LabContext, m: LabMachine, o: BootOptions, lower: string): Promise<string> {
  const p = machinePaths(ctx.dir, m);
  const key = await seedUpper(ctx, m, p);
  o.signal?.throwIfAborted();
  await run(
    [
      'mount',
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${lower},upperdir=${p.upper},workdir=${p.work}`,
      p.merged,
    ],
    `overlay of ${m.host}`,
  );
  await addUser(p, o.users.get(m.host) ?? 'root', o.keys.authorized);
  o.signal?.throwIfAborted();
  const start = performance.now();
  const ns = startNspawn(m, p);
  const timeout = o.timeoutMs ?? BOOT_TIMEOUT_MS;
  for (;;) {
    o.signal?.throwIfAborted();
    const code = ns.exited();
    if (code !== null) {
      throw new UserError(`machine ${m.host} stopped while booting (systemd-nspawn exit ${code})`, [
        ...(await bootLog(p)).map((l) => `  ${l}`),
      ]);
    }
    const seen = await scanKey(o.from, m.address);
    if (seen === key) break;
    if (seen !== undefined)
      throw new Error(`lab: ${m.address} answered SSH with another host key than ${m.host}'s: ${seen}`);
    if (performance.now() - start > timeout) {
      throw new UserError(
        `machine ${m.host} did not answer SSH at ${m.address}:22 within ${(timeout / 1000).toFixed(0)} s`,
        [
          ...(await bootLog(p)).map((l) => `  ${l}`),
          `  console: ${p.console}`,
          '  hint: a loaded machine boots slower; --machine-timeout SECONDS gives it longer',
        ],
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  // sshd answers before boot has finished; until systemd-user-sessions removes /run/nologin, pam_nologin
  // turns away every user but root ("System is booting up"). Wait for that, as a login would.
  while (await bootingUp(ns.pid)) {
    if (performance.now() - start > timeout) {
      throw new UserError(
        `machine ${m.host} answered SSH but did not finish booting within ${(timeout / 1000).toFixed(0)} s`,
        [
          ...(await bootLog(p)).map((l) => `  ${l}`),
          '  hint: a loaded machine boots slower; --machine-timeout SECONDS gives it longer',
        ],
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  o.log?.(
    `lab ${ctx.plan.id}: machine ${m.host} up at ${m.address} in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  return `${m.address},${m.host},${m.fqdn} ${key}`;
}

/** The pid of the container's init (systemd) under the systemd-nspawn process `pid`, once it runs. */
export function containerInit(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0] || undefined;
  } catch {
    return undefined;
  }
}

/** The container init of a running machine (from its pid file), for `nsenter -t`. */
export function machineInit(runDir: string, m: LabMachine): string | undefined {
  const pid = Number(readFileSync(machinePaths(runDir, m).pid, 'utf8').trim());
  return Number.isInteger(pid) ? containerInit(pid) : undefined;
}

/** Whether the container under nspawn `pid` still has /run/nologin (its own /run, seen through its init). */
async function bootingUp(pid: number): Promise<boolean> {
  if (!existsSync(`/proc/${pid}`)) return false;
  const init = containerInit(pid);
  if (!init) return true;
  const r = await execa('nsenter', ['-t', init, '-m', '--', 'test', '-e', '/run/nologin'], { reject: false });
  return r.exitCode === 0;
}

/** Boots every planned machine in parallel; known_hosts gets each one's key once its sshd answers with it. */
/**
 * Boots one machine again on the mounted shared root (after stopMachine): a fresh host key, so its
 * known_hosts line is replaced. Returns the seconds until its sshd answered and boot finished.
 */
export async function rebootMachine(ctx: LabContext, host: string, o: BootOptions): Promise<number> {
  const m = ctx.plan.machines.find((x) => x.host === host);
  if (!m) throw new Error(`lab: ${host} is not a machine of lab ${ctx.plan.id}`);
  const start = performance.now();
  const line = await bootOne(ctx, m, o, lowerDir(ctx.dir));
  const known = existsSync(o.keys.knownHosts) ? readFileSync(o.keys.knownHosts, 'utf8').split('\n') : [];
  const others = known.filter((l) => l && !l.startsWith(`${m.address},`));
  writeFileSync(o.keys.knownHosts, `${[...others, line].join('\n')}\n`);
  return (performance.now() - start) / 1000;
}

export async function bootMachines(ctx: LabContext, o: BootOptions): Promise<void> {
  if (ctx.plan.machines.length === 0) return;
  o.signal?.throwIfAborted();
  const lower = await mountLower(ctx.dir, o.root);
  writeFileSync(o.keys.knownHosts, '');
  const results = await Promise.allSettled(ctx.plan.machines.map((m) => bootOne(ctx, m, o, lower)));
  for (const r of results) if (r.status === 'fulfilled') appendFileSync(o.keys.knownHosts, `${r.value}\n`);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw failed[0]!.reason;
}
