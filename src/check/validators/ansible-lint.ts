// ansible-lint over the Ansible content, offline; optional, so every finding is a warning.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool, siteRelative } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { chunks, tail } from './util.ts';

const CODE = 'ansible-lint';
const ANSIBLE_YAML = /(^|\/)ansible\/.*\.ya?ml$/;

interface CodeClimateIssue {
  check_name?: string;
  description?: string;
  url?: string;
  location?: {
    path?: string;
    lines?: { begin?: number | { line?: number; column?: number } };
    positions?: { begin?: { line?: number; column?: number } };
  };
}

export const ansibleLint: Validator = {
  id: 'ansible-lint',
  title: 'Ansible best practices (ansible-lint, warnings only)',
  tool: {
    command: 'ansible-lint',
    installHint: 'apt-get install ansible-lint (or pipx install ansible-lint)',
  },
  applies: (files) => files.filter((f) => ANSIBLE_YAML.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const batch of chunks(ctx.files, 200)) {
      // --offline: no update check, no collection installs, no schema downloads (this must not touch the network).
      const args = ['--offline', '--nocolor', '-q', '-f', 'codeclimate', '--project-dir', ctx.dir, ...batch];
      // Roles live in ansible/roles: ansible-lint's syntax checks find them through the project's ansible.cfg.
      const cfg = join(ctx.dir, 'ansible', 'ansible.cfg');
      const r = await runTool(ctx, args, existsSync(cfg) ? { env: { ANSIBLE_CONFIG: cfg } } : {});
      // 0: clean, 2: findings, 5: no file it considers Ansible. Anything else means it could not lint:
      // that is an error, because a broken linter must not look like a clean repository.
      let issues: CodeClimateIssue[] | undefined;
      try {
        issues = JSON.parse(r.stdout || '[]');
      } catch {
        issues = undefined;
      }
      if (!Array.isArray(issues) || ![0, 2, 5].includes(r.exitCode)) {
        out.push({
          code: CODE,
          severity: 'error',
          message: `ansible-lint could not lint (exit ${r.exitCode}): ${tail(r.stderr || r.stdout)}`,
          hint: 'run it by hand in the site directory; an invalid .ansible-lint config is a common cause',
        });
        continue;
      }
      out.push(...issues.map((i) => toDiagnostic(ctx.dir, i)));
    }
    return out;
  },
};

export function toDiagnostic(dir: string, i: CodeClimateIssue): Diagnostic {
  const begin = i.location?.positions?.begin ?? i.location?.lines?.begin;
  const line = typeof begin === 'number' ? begin : begin?.line;
  const col = typeof begin === 'number' ? undefined : begin?.column;
  const d: Diagnostic = {
    code: `${CODE}/${i.check_name ?? 'unknown'}`,
    severity: 'warning',
    message: i.description ?? i.check_name ?? 'ansible-lint finding',
  };
  if (i.location?.path) {
    d.location = { file: siteRelative(dir, i.location.path) };
    if (line !== undefined) d.location.line = line;
    if (col !== undefined) d.location.col = col;
  }
  if (i.url) d.hint = `see ${i.url}`;
  return d;
}
