// Runs one command on the firewall with the system OpenSSH client: key only (BatchMode), the host key checked
// against the site's pinned known_hosts (never accepted on first use), no user ssh_config, a connect timeout.
import { execa } from 'execa';
import { UserError } from '../../errors.ts';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface SshOptions {
  /** Private key file, mode 0600 (OpenSSH refuses a readable one). */
  identity: string;
  /** The site's known_hosts: the firewall's host key pinned there. */
  knownHosts: string;
  connectTimeoutSec?: number;
  /** What to do about a refused key: where to install its public half. */
  authHint?: string[];
}

/** `[host]:port` as known_hosts names a host on a port other than 22. */
export function knownHostsName(t: Pick<SshTarget, 'host' | 'port'>): string {
  return t.port === 22 ? t.host : `[${t.host}]:${t.port}`;
}

/** The ssh arguments: everything explicit, nothing from ~/.ssh/config or the global known_hosts. */
export function sshArgs(t: SshTarget, command: string, opts: SshOptions): string[] {
  return [
    '-F',
    'none',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-i',
    opts.identity,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${opts.knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'UpdateHostKeys=no',
    '-o',
    `ConnectTimeout=${opts.connectTimeoutSec ?? 10}`,
    '-o',
    'ServerAliveInterval=10',
    '-o',
    'ServerAliveCountMax=3',
    '-o',
    'LogLevel=ERROR',
    '-p',
    String(t.port),
    '-l',
    t.user,
    '--',
    t.host,
    command,
  ];
}

/** Runs `command` on the target and returns its standard output; every failure is a UserError saying what to do. */
export async function sshRun(t: SshTarget, command: string, opts: SshOptions): Promise<string> {
  const where = `${t.user}@${knownHostsName(t)}`;
  let r: { exitCode?: number; stdout: string; stderr: string; code?: string; timedOut?: boolean };
  try {
    r = await execa('ssh', sshArgs(t, command, opts), {
      stdin: 'ignore',
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 64 * 1024 * 1024,
      timeout: ((opts.connectTimeoutSec ?? 10) + 60) * 1000,
    });
  } catch (err) {
    r = { stdout: '', stderr: (err as Error).message, code: (err as { code?: string }).code };
  }
  if (r.code === 'ENOENT' || /spawn ssh ENOENT/.test(r.stderr))
    throw new UserError('ssh is not installed: beelab drift reads pfSense and VyOS over SSH', [
      '  hint: install the OpenSSH client (apt-get install openssh-client; macOS has it)',
    ]);
  if (r.exitCode === 0) return r.stdout;
  const err = r.stderr.trim();
  const said = err ? [`  ssh said: ${err.split('\n').slice(-3).join(' ')}`] : [];
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(err))
    throw new UserError(`the host key of ${knownHostsName(t)} is not the one pinned in ${opts.knownHosts}`, [
      '  Someone may be in the middle, or the firewall was reinstalled. Check its key on its console:',
      '    ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      `  hint: only if it matches, replace the pinned key: ssh-keygen -f ${opts.knownHosts} -R '${knownHostsName(t)}', then pin it again (see docs/pipeline.md#beelab-drift)`,
    ]);
  if (/No \S+ host key is known for|Host key verification failed/.test(err))
    throw new UserError(`the host key of ${knownHostsName(t)} is not pinned in ${opts.knownHosts}`, [
      '  beelab drift never trusts a firewall on first use. Pin its key:',
      `    ssh-keyscan -t ed25519 -p ${t.port} ${t.host} >> ${opts.knownHosts}`,
      `    ssh-keygen -lf ${opts.knownHosts}    # the fingerprint must be the one the firewall's console shows:`,
      '    ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub    # on the firewall (pfSense: option 8, Shell)',
      '  and commit the file: the pin is part of the site.',
    ]);
  if (/Permission denied/.test(err))
    throw new UserError(`${where} refused the key ${opts.identity}`, [...said, ...(opts.authHint ?? [])]);
  if (/Could not resolve hostname/.test(err))
    throw new UserError(`cannot resolve ${t.host}`, [...said, '  hint: --host names the firewall']);
  if (
    r.timedOut ||
    /Connection refused|timed out|No route to host|Network is unreachable|Connection closed|Connection reset/.test(
      err,
    )
  )
    throw new UserError(`cannot reach ${knownHostsName(t)} over SSH`, [
      ...said,
      `  hint: is SSH enabled on the firewall and reachable from here (management VLAN)? --host and --port name it`,
    ]);
  if (r.exitCode === 255) throw new UserError(`ssh to ${where} failed`, said);
  throw new UserError(`\`${command}\` failed on ${where} (exit ${r.exitCode})`, said);
}
