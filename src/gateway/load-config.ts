// Reads gateway.yaml through the kernel's positioned loader: every problem with file:line:col, key path and fix.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadYaml, parseYaml, type YamlProblem } from '../kernel/load-yaml.ts';
import { type GatewayConfig, gatewayConfigSchema, KEY_HASH } from './config-schema.ts';

const OPTIONS = { what: 'the gateway config', docs: 'docs/gateway.md' } as const;

/** Parses and validates config text; throws one UserError listing every problem. */
export function parseGatewayConfig(text: string, file: string): GatewayConfig {
  return parseYaml(text, file, gatewayConfigSchema, OPTIONS);
}

/** Loads the config file and the key hashes it names; a missing file is a UserError that says how to start one. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  return loadYaml(file, gatewayConfigSchema, {
    ...OPTIONS,
    check: (config) => readHashFiles(config, dirname(file)),
    readHint: ['  start from examples/gateway.yaml: cp examples/gateway.yaml gateway.yaml'],
  });
}

/** Fills each key's `hash` from its `hashFile` (relative to `dir`); an unreadable or malformed file is a problem. */
function readHashFiles(config: GatewayConfig, dir: string): YamlProblem[] {
  const problems: YamlProblem[] = [];
  config.auth.keys.forEach((k, i) => {
    if (k.hashFile === undefined) return;
    const path = ['auth', 'keys', i, 'hashFile'];
    let text: string;
    try {
      text = readFileSync(resolve(dir, k.hashFile), 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      problems.push({
        path,
        message: `cannot read the key hash (${code === 'ENOENT' ? 'no such file' : code})`,
        hint: 'write it with: beelab gateway hash-key < KEYFILE > HASHFILE',
      });
      return;
    }
    if (!KEY_HASH.test(text))
      problems.push({
        path,
        message: 'the file does not hold "sha256:" plus 64 lowercase hex digits',
        hint: 'write it with: beelab gateway hash-key < KEYFILE > HASHFILE',
      });
    else k.hash = text;
  });
  return problems;
}
