// shellcheck over shell scripts: *.sh, *.bash, and extensionless files with a sh/bash/dash/ksh shebang.
import type { Diagnostic, Severity } from '../../kernel/diagnostic.ts';
import { runTool, siteRelative } from '../exec.ts';
import type { FileSource, Validator } from '../validator.ts';
import { basename, chunks, tail } from './util.ts';

const SCRIPT_EXT = /\.(sh|bash)$/;
const SHELL_SHEBANG = /^#!\s*(\/usr)?\/bin\/(env\s+)?(sh|bash|dash|ksh)\b/;

interface Comment {
  file: string;
  line: number;
  column: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

export const shellcheck: Validator = {
  id: 'shellcheck',
  title: 'Shell scripts (shellcheck)',
  tool: { command: 'shellcheck', installHint: 'apt-get install shellcheck' },
  applies: (files, source) => files.filter((f) => isShellScript(f, source)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const batch of chunks(ctx.files, 200)) {
      const r = await runTool(ctx, ['-f', 'json1', '--', ...batch]);
      // 0: clean, 1: findings; anything else (2, 3, 4) is shellcheck failing to run.
      if (r.exitCode > 1) {
        out.push({
          code: 'shellcheck',
          severity: 'error',
          message: `shellcheck exited ${r.exitCode}: ${tail(r.stderr)}`,
        });
        continue;
      }
      const { comments } = JSON.parse(r.stdout || '{"comments":[]}') as { comments: Comment[] };
      out.push(...comments.map((c) => toDiagnostic(ctx.dir, c)));
    }
    return out;
  },
};

export function isShellScript(file: string, source: FileSource): boolean {
  if (SCRIPT_EXT.test(file)) return true;
  // Only extensionless files can be scripts by shebang; a .py or .yml file never is.
  if (basename(file).includes('.')) return false;
  return SHELL_SHEBANG.test(source.firstLine(file));
}

function toDiagnostic(dir: string, c: Comment): Diagnostic {
  const severity: Severity = c.level === 'error' ? 'error' : c.level === 'warning' ? 'warning' : 'info';
  return {
    code: `shellcheck/SC${c.code}`,
    severity,
    message: c.message,
    location: { file: siteRelative(dir, c.file), line: c.line, col: c.column },
    hint: `see https://www.shellcheck.net/wiki/SC${c.code}`,
  };
}
