// The step contract every layer returns from steps(site, files) and the apply engine runs (docs/apply.md).
import type { Layer } from '../tree/file-tree.ts';

/**
 * The order `beelab rebuild` brings a site back from bare hardware in: the firewall first (nothing is
 * reachable without it), then hypervisors, storage, VMs, clusters, apps, and last the data from backups.
 */
export const REBUILD_PHASES = [
  'firewall',
  'hypervisor',
  'storage',
  'vm',
  'cluster',
  'app',
  'restore',
] as const;
export type RebuildPhase = (typeof REBUILD_PHASES)[number];

/**
 * What a step runs. Paths are relative to the site directory, which is every process's working directory.
 * - `ansible-playbook`: `[env ANSIBLE_CONFIG=CONFIG] ansible-playbook -i INVENTORY PLAYBOOK [--limit LIMIT] [--tags TAGS]`
 * - `shell`: a bash script (`bash -euo pipefail -c SCRIPT`)
 * - `talosctl`: `talosctl ARGS...`
 * - `http`: send a generated file (`file`) to a URL; the body of a step that uploads a config
 * - `manual`: an operator action (boot an installer, press power); the engine shows `prompt` and the
 *   `instructions` and waits on a terminal until the operator says it is done (it fails without one)
 */
export type Executor =
  | {
      kind: 'ansible-playbook';
      playbook: string;
      limit?: string;
      inventory?: string;
      /** Only the plays and tasks with these tags (`--tags`). */
      tags?: string[];
      /** The project's ansible.cfg (roles_path, ...), passed as ANSIBLE_CONFIG. */
      config?: string;
    }
  | { kind: 'shell'; script: string }
  | { kind: 'talosctl'; args: string[] }
  | {
      kind: 'http';
      method: 'POST' | 'PUT';
      url: string;
      /** Generated file sent as the body. */
      file: string;
      headers?: Record<string, string>;
      /** A secret (see `secrets`) sent as `Authorization: Bearer <value>`. */
      bearerSecret?: string;
      /** Accept a self-signed certificate (appliances on first boot). */
      insecure?: boolean;
    }
  | { kind: 'manual'; prompt: string; instructions: string[] };

export type ExecutorKind = Executor['kind'];

/** How the engine confirms that a step took; a step whose verify fails has failed. */
export type Verify =
  | { kind: 'shell'; script: string }
  | { kind: 'tcp'; host: string; port: number; timeoutMs?: number }
  | { kind: 'http'; url: string; expectStatus?: number[]; insecure?: boolean; timeoutMs?: number };

export interface Step {
  /** Stable across renders: `<area>/<what>[/<host>]`, e.g. `network/firewall`, `ansible/base/grafana-vm`. */
  id: string;
  layer: Layer;
  /** One line for the plan, e.g. `Install the nftables ruleset and dnsmasq on fw`. */
  title: string;
  /** Site hosts the step changes (names from Site.hosts); `--only HOST` selects by these. */
  hosts: string[];
  run: Executor;
  /** Generated files (paths in the repository) the step reads: their content hashes are its input hash. */
  inputs: string[];
  /** Step ids that must have succeeded first. */
  after?: string[];
  verify?: Verify;
  /**
   * Names of secrets (in `secrets/`) the step needs. Each is decrypted into a 0600 temporary file for the
   * duration of the step only; its path is in `$BEELAB_SECRET_<NAME>` (upper case, `-` → `_`).
   */
  secrets?: string[];
  /**
   * Present when the step belongs to rebuilding from bare hardware; `restore` phase steps restore data.
   * `provisions`: the step creates its hosts from nothing (e.g. a VM from its definition), so the engine's
   * generic manual install step for those hosts is left out.
   */
  rebuild?: { phase: RebuildPhase; provisions?: boolean };
  /**
   * Why the emulated lab cannot run this step even on its machines (it needs something from outside the
   * machine, e.g. a vendor's apt repository or container images from a registry): `lab apply` lists it as
   * not emulated instead of failing.
   */
  notInLab?: string;
}

/** `$BEELAB_SECRET_<NAME>`: the variable holding the path of a decrypted secret during a step. */
export function secretEnvName(name: string): string {
  return `BEELAB_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Inventory path every Ansible step uses unless it names another. */
export const DEFAULT_INVENTORY = 'ansible/inventory.yml';

/** Quote one word for a POSIX shell, only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The argv a process executor runs (undefined for `http` and `manual`, which run in-process). */
export function executorArgv(run: Executor): string[] | undefined {
  switch (run.kind) {
    case 'ansible-playbook':
      return [
        ...(run.config ? ['env', `ANSIBLE_CONFIG=${run.config}`] : []),
        'ansible-playbook',
        '-i',
        run.inventory ?? DEFAULT_INVENTORY,
        run.playbook,
        ...(run.limit ? ['--limit', run.limit] : []),
        ...(run.tags?.length ? ['--tags', run.tags.join(',')] : []),
      ];
    case 'shell':
      return ['bash', '-euo', 'pipefail', '-c', run.script];
    case 'talosctl':
      return ['talosctl', ...run.args];
    case 'http':
    case 'manual':
      return undefined;
  }
}

/** The exact command a step runs, as one line an operator could paste (what `--dry-run` prints). */
export function describeExecutor(run: Executor): string {
  const argv = executorArgv(run);
  if (argv) return argv.map(shellQuote).join(' ');
  if (run.kind === 'http') {
    const h = Object.entries(run.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const auth = run.bearerSecret
      ? ['-H', `Authorization: Bearer $(cat "$${secretEnvName(run.bearerSecret)}")`]
      : [];
    return [
      'curl',
      '-fsS',
      ...(run.insecure ? ['-k'] : []),
      '-X',
      run.method,
      ...h.map(shellQuote),
      ...auth.map((w) => (w.startsWith('Authorization') ? `"${w}"` : w)),
      '--data-binary',
      `@${shellQuote(run.file)}`,
      shellQuote(run.url),
    ].join(' ');
  }
  return run.kind === 'manual' ? `manual: ${run.prompt}` : run.kind;
}

export function describeVerify(v: Verify): string {
  switch (v.kind) {
    case 'shell':
      return `bash -euo pipefail -c ${shellQuote(v.script)}`;
    case 'tcp':
      return `tcp ${v.host}:${v.port} accepts a connection`;
    case 'http':
      return `HTTP GET ${v.url} answers ${(v.expectStatus ?? [200]).join('/')}`;
  }
}
