// ansible-inventory --list over each inventory file: it must parse and list every host the file defines.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { locateYamlPath } from '../yaml-locate.ts';
import { type AnsibleMessage, parseAnsibleStderr } from './ansible-output.ts';
import { dirname, tail, unexplainedFailure } from './util.ts';

const INVENTORY = /(^|\/)inventory(\.ya?ml|\.ini)?$/;
const CODE = 'ansible-inventory';

export const ansibleInventory: Validator = {
  id: 'ansible-inventory',
  title: 'Ansible inventory (ansible-inventory --list)',
  tool: {
    command: 'ansible-inventory',
    installHint: 'apt-get install ansible (or pipx install ansible-core)',
  },
  applies: (files) => files.filter((f) => INVENTORY.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const yaml = /\.ya?ml$/.test(file);
      const r = await runTool(ctx, ['-i', file, '--list'], { env: ansibleEnv(ctx.dir, file, yaml) });
      const found = inventoryDiagnostics(ctx.dir, file, parseAnsibleStderr(ctx.dir, r.stderr));
      out.push(...found);
      if (r.exitCode !== 0) {
        out.push(...unexplainedFailure(CODE, 'ansible-inventory', r, found, file));
        continue;
      }
      out.push(...checkListing(file, r.stdout, yaml ? ctx.read(file) : undefined));
    }
    return out;
  },
};

/**
 * Ansible often only WARNS about an inventory it cannot parse and carries on with an empty one, so
 * UNPARSED_FAILED makes that an error, and only the plugin matching the file type is enabled (otherwise
 * every plugin's failure is printed). An ansible.cfg beside the inventory is used, as when run by hand there.
 */
export function ansibleEnv(dir: string, file: string, yaml?: boolean): Record<string, string> {
  const env: Record<string, string> = {
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
  if (yaml !== undefined) env.ANSIBLE_INVENTORY_ENABLED = yaml ? 'yaml' : 'ini';
  // The project's ansible.cfg (roles_path, ...) beside the file or, for playbooks/, one level up.
  const here = dirname(file);
  for (const d of [here, dirname(here)]) {
    const cfg = join(dir, d, 'ansible.cfg');
    if (existsSync(cfg)) {
      env.ANSIBLE_CONFIG = cfg;
      break;
    }
  }
  return env;
}

function inventoryDiagnostics(dir: string, file: string, messages: AnsibleMessage[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const strip = (s: string) => s.split(`${dir}/`).join('');
  for (const m of messages) {
    const text = strip(m.text);
    const failed =
      /^(\* Failed to parse |Unable to parse |No inventory was parsed|Completely failed to parse)/.test(text);
    if (m.kind === 'error' || failed) {
      out.push({ ...error(file, text), location: m.location ?? { file } });
    } else {
      out.push({
        code: CODE,
        severity: m.kind === 'warning' ? 'warning' : 'info',
        message: text,
        location: m.location ?? { file },
      });
    }
  }
  // The specific "Failed to parse ... line 7" makes the generic follow-ups noise.
  if (out.some((d) => d.message.startsWith('* Failed to parse'))) {
    return out.filter(
      (d) => !/^(Unable to parse |No inventory was parsed|Completely failed to parse)/.test(d.message),
    );
  }
  return out;
}

/** Every host named in a YAML inventory must be in the listing, and the listing must not be empty. */
function checkListing(file: string, stdout: string, yamlText: string | undefined): Diagnostic[] {
  let listing: Record<string, { hosts?: string[]; hostvars?: Record<string, unknown> }>;
  try {
    listing = JSON.parse(stdout);
  } catch {
    return [error(file, `ansible-inventory --list printed something that is not JSON: ${tail(stdout, 3)}`)];
  }
  const listed = new Set(Object.keys(listing._meta?.hostvars ?? {}));
  for (const [name, group] of Object.entries(listing)) {
    if (name !== '_meta') for (const h of group.hosts ?? []) listed.add(h);
  }
  if (listed.size === 0) return [error(file, 'the inventory parses but lists no hosts')];
  if (yamlText === undefined) return [];
  const out: Diagnostic[] = [];
  for (const { host, path } of declaredHosts(yamlText)) {
    if (listed.has(host)) continue;
    const pos = locateYamlPath(yamlText, path);
    out.push({
      ...error(file, `host ${host} is in the file but ansible-inventory does not list it`),
      location: { file, ...pos },
    });
  }
  return out;
}

/** Hosts under every group's `hosts:`, recursing into `children:`; range patterns like `web[01:09]` are skipped. */
export function declaredHosts(text: string): { host: string; path: string[] }[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const out: { host: string; path: string[] }[] = [];
  const walk = (group: unknown, path: string[]) => {
    if (!isObject(group)) return;
    if (isObject(group.hosts)) {
      for (const h of Object.keys(group.hosts))
        if (!h.includes('[')) out.push({ host: h, path: [...path, 'hosts', h] });
    }
    if (isObject(group.children)) {
      for (const [name, child] of Object.entries(group.children)) walk(child, [...path, 'children', name]);
    }
  };
  if (isObject(doc)) for (const [name, group] of Object.entries(doc)) walk(group, [name]);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function error(file: string, message: string): Diagnostic {
  return { code: CODE, severity: 'error', message, location: { file } };
}
