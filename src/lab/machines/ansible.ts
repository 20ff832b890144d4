// Running the generated Ansible against the lab's machines: the generated inventory plus a lab override that only sets SSH key and known-hosts handling.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { renderSite } from '../../project/render-site.ts';
import type { LabContext } from '../context.ts';
import { sshDir } from './keys.ts';

/** The generated inventory, relative to the repository (what `beelab render` writes). */
export const GENERATED_INVENTORY = 'ansible/inventory.yml';

/** What a caller needs to run `ansible` or `ansible-playbook` against the lab. */
export interface LabAnsible {
  /** Prefix of the command: runs it in the management VLAN's namespace, where an operator's laptop would be. */
  wrap: string[];
  /** Extra environment: Ansible's own files stay in the run directory. */
  env: Record<string, string>;
  /** `-i` arguments in order: the generated inventory, then the lab override. */
  inventories: string[];
  /** Repository the generated inventory comes from (the working directory for ansible). */
  repo: string;
  /** The lab override file alone (for an engine that supplies the generated inventory itself). */
  override: string;
}

/** The management VLAN's namespace: where Ansible runs from (management may reach SSH everywhere). */
export function managementNetns(ctx: LabContext): string {
  const mgmt = ctx.site.vlans.find((v) => v.purpose === 'management')?.name;
  const v = ctx.plan.vlans.find((x) => x.zone === mgmt) ?? ctx.plan.vlans[0];
  if (!v) throw new Error(`lab ${ctx.plan.id} has no VLAN to run Ansible from`);
  return v.netns;
}

/**
 * The repository whose inventory the lab uses: the site directory when it holds a rendered repository
 * (with its overrides/ applied, as the operator has it), otherwise the Site rendered into the run directory.
 */
export function labRepo(ctx: LabContext, siteDir: string): string {
  if (existsSync(join(siteDir, GENERATED_INVENTORY))) return siteDir;
  const repo = join(ctx.dir, 'repo');
  if (!existsSync(join(repo, GENERATED_INVENTORY))) {
    for (const [path, f] of renderSite(ctx.site).entries()) {
      if (!path.startsWith('ansible/')) continue;
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), f.content, { mode: f.mode });
    }
  }
  return repo;
}

/** The SSH user the generated inventory logs in as, per host (`ansible_user`). */
export function inventoryUsers(repo: string): Map<string, string> {
  const inv = parseYaml(readFileSync(join(repo, GENERATED_INVENTORY), 'utf8')) as {
    all?: { hosts?: Record<string, { ansible_user?: string } | null> };
  };
  const out = new Map<string, string>();
  for (const [h, vars] of Object.entries(inv.all?.hosts ?? {}))
    if (vars?.ansible_user) out.set(h, vars.ansible_user);
  return out;
}

/**
 * The lab override: for each machine only how SSH authenticates (the run's key when the lab generated it)
 * and which host keys it trusts (the run's known_hosts, strictly). Addresses, users and connection plugins
 * stay exactly as generated.
 */
export function overrideInventory(ctx: LabContext): string {
  const dir = sshDir(ctx.dir);
  const identity = join(dir, 'id_ed25519');
  const ssh = [
    `-o UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o GlobalKnownHostsFile=/dev/null',
    '-o StrictHostKeyChecking=yes',
  ];
  const hosts: Record<string, Record<string, string>> = {};
  for (const m of ctx.plan.machines) {
    const vars: Record<string, string> = { ansible_ssh_common_args: ssh.join(' ') };
    if (existsSync(identity)) {
      vars.ansible_ssh_private_key_file = identity;
      vars.ansible_ssh_common_args = `${vars.ansible_ssh_common_args} -o IdentitiesOnly=yes`;
    }
    hosts[m.host] = vars;
  }
  const file = join(ctx.dir, 'ansible', 'lab-inventory.yml');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `# Lab override (beelab lab): SSH key and known-hosts handling for the lab's machines only.\n${stringify({ all: { hosts } })}`,
  );
  return file;
}

/** Everything needed to run ansible / ansible-playbook from the management VLAN against the lab's machines. */
export function labAnsible(ctx: LabContext, siteDir: string): LabAnsible {
  const repo = labRepo(ctx, siteDir);
  const override = overrideInventory(ctx);
  const home = join(ctx.dir, 'ansible');
  for (const d of ['home', 'tmp', 'cp']) mkdirSync(join(home, d), { recursive: true, mode: 0o700 });
  return {
    wrap: ['ip', 'netns', 'exec', managementNetns(ctx)],
    env: {
      ANSIBLE_HOME: join(home, 'home'),
      ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(home, 'cp'),
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    },
    inventories: [join(repo, GENERATED_INVENTORY), override],
    repo,
    override,
  };
}

/** argv of `ansible` (or `ansible-playbook`) with `args`, run against the lab. */
export function labAnsibleArgv(a: LabAnsible, args: string[], tool = 'ansible'): string[] {
  return [...a.wrap, tool, ...a.inventories.flatMap((i) => ['-i', i]), ...args];
}
