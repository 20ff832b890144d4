// ansible-playbook --syntax-check over every playbook (a YAML list of plays), with the inventory beside it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { FileSource, Validator } from '../validator.ts';
import { ansibleEnv } from './ansible-inventory.ts';
import { ansibleDiagnostics, parseAnsibleStderr } from './ansible-output.ts';
import { dirname, unexplainedFailure } from './util.ts';

const CODE = 'ansible-playbook';
const YAML_FILE = /\.ya?ml$/;
// Files in an ansible/ directory that are never playbooks; other unparsable ones there are checked anyway.
const NOT_PLAYBOOK =
  /(^|\/)(inventory|requirements|galaxy)\.ya?ml$|(^|\/)(group_vars|host_vars|roles|vars|defaults)\//;
const IN_ANSIBLE_DIR = /(^|\/)ansible\/(playbooks\/)?[^/]+\.ya?ml$/;
const INVENTORIES = ['inventory.yml', 'inventory.yaml', 'inventory.ini', 'inventory'];

export const ansiblePlaybookSyntax: Validator = {
  id: 'ansible-playbook-syntax',
  title: 'Ansible playbook syntax (ansible-playbook --syntax-check)',
  tool: {
    command: 'ansible-playbook',
    installHint: 'apt-get install ansible (or pipx install ansible-core)',
  },
  applies: (files, source) => files.filter((f) => isPlaybook(f, source)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const inventory = findInventory(ctx.dir, file);
      const args = ['--syntax-check', '-i', inventory ?? 'localhost,', file];
      const r = await runTool(ctx, args, { env: ansibleEnv(ctx.dir, file) });
      let found = ansibleDiagnostics(CODE, parseAnsibleStderr(ctx.dir, r.stderr), file);
      // Without a real inventory every host pattern is unmatched; that says nothing about the playbook.
      if (!inventory)
        found = found.filter((d) => !d.message.startsWith('Could not match supplied host pattern'));
      out.push(...found, ...unexplainedFailure(CODE, 'ansible-playbook --syntax-check', r, found, file));
    }
    return out;
  },
};

/** A YAML list whose items are all plays (`hosts:` or `import_playbook:`); unparsable files in ansible/ count. */
export function isPlaybook(file: string, source: FileSource): boolean {
  if (!YAML_FILE.test(file) || NOT_PLAYBOOK.test(file)) return false;
  let doc: unknown;
  try {
    doc = parse(source.read(file));
  } catch {
    // ansible-playbook names the YAML error with its line; yamllint would too, but only if installed.
    return IN_ANSIBLE_DIR.test(file);
  }
  return (
    Array.isArray(doc) &&
    doc.length > 0 &&
    doc.every(
      (play) =>
        typeof play === 'object' &&
        play !== null &&
        ('hosts' in play || 'import_playbook' in play || 'ansible.builtin.import_playbook' in play),
    )
  );
}

/** The inventory in the playbook's directory or its parent (playbooks/ under ansible/). */
function findInventory(dir: string, file: string): string | undefined {
  const here = dirname(file);
  for (const d of [here, dirname(here)]) {
    for (const name of INVENTORIES) {
      const rel = d === '.' ? name : `${d}/${name}`;
      if (existsSync(join(dir, rel))) return rel;
    }
  }
  return undefined;
}
