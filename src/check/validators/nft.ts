// nft -c -f: the kernel's own parser checks the Linux router's ruleset without loading it.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool, siteRelative } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'nft';
const RULESET = /(^|\/)nftables\.conf$|\.nft$/;
// `/abs/file:LINE:COL-COL: Error: message`
const ERROR = /^(.+?):(\d+):(\d+)(?:-\d+)?: Error: (.*)$/;

export function parseNftErrors(dir: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of text.split('\n')) {
    const m = ERROR.exec(line);
    if (!m) continue;
    out.push({
      code: CODE,
      severity: 'error',
      message: m[4]!,
      location: { file: siteRelative(dir, m[1]!), line: Number(m[2]), col: Number(m[3]) },
    });
  }
  return out;
}

/** Check mode still needs CAP_NET_ADMIN; without root it runs in a throwaway user + network namespace. */
export function nftCheckArgv(file: string, root: boolean): { command?: string; args: string[] } {
  return root ? { args: ['-c', '-f', file] } : { command: 'unshare', args: ['-rn', 'nft', '-c', '-f', file] };
}

export const nft: Validator = {
  id: 'nft',
  title: 'nftables ruleset (nft -c)',
  tool: { command: 'nft', installHint: 'apt-get install nftables' },
  applies: (files) => files.filter((f) => RULESET.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    const root = process.getuid?.() === 0;
    for (const file of ctx.files) {
      const { command, args } = nftCheckArgv(`${ctx.dir}/${file}`, root);
      const r = await runTool(ctx, args, command ? { command } : {});
      const found = parseNftErrors(ctx.dir, r.stderr);
      const hint = root ? undefined : 'nft -c needs root or unprivileged user namespaces (unshare -rn)';
      out.push(...found, ...unexplainedFailure(CODE, 'nft -c -f', r, found, file, hint));
    }
    return out;
  },
};
