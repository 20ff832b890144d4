// Ansible roles a layer ships as real files (tasks, handlers, defaults, templates, meta), copied into ansible/roles/.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toYaml } from '../tree/serialize/index.ts';

const cache = new Map<string, [string, string][]>();

function walk(dir: string, rel: string, out: [string, string][]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(path, `${rel}${e.name}/`, out);
    else out.push([`${rel}${e.name}`, readFileSync(path, 'utf8')]);
  }
}

/**
 * Every file of the roles under `rolesDir` (a URL next to the layer's code), as `[path under
 * ansible/roles/, content]`, sorted; read once per process.
 */
export function roleFiles(rolesDir: URL): [string, string][] {
  const dir = fileURLToPath(rolesDir);
  let files = cache.get(dir);
  if (!files) {
    files = [];
    walk(dir, '', files);
    cache.set(dir, files);
  }
  return files;
}

/** A vars file or playbook: `---`, a comment header, then the YAML (Ansible's own convention). */
export function ansibleYaml(value: unknown, header: string): string {
  return `---\n${toYaml(value, { header })}`;
}
