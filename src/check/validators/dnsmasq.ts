// dnsmasq --test: dnsmasq's own option parser checks the router's DHCP/DNS config.
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import type { Validator } from '../validator.ts';
import { unexplainedFailure } from './util.ts';

const CODE = 'dnsmasq';
const CONFIG = /(^|\/)dnsmasq\.d\/[^/]+\.conf$|(^|\/)dnsmasq\.conf$/;
// `dnsmasq: bad dhcp-range at line 1 of /abs/file`
const ERROR = /^dnsmasq: (.*) at line (\d+) of (.+)$/;

export function parseDnsmasqErrors(file: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of text.split('\n')) {
    const m = ERROR.exec(line.trim());
    if (m)
      out.push({ code: CODE, severity: 'error', message: m[1]!, location: { file, line: Number(m[2]) } });
  }
  return out;
}

export const dnsmasq: Validator = {
  id: 'dnsmasq',
  title: 'dnsmasq config (dnsmasq --test)',
  tool: { command: 'dnsmasq', installHint: 'apt-get install dnsmasq' },
  applies: (files) => files.filter((f) => CONFIG.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      // --conf-file alone: only this file is read, never /etc/dnsmasq.conf.
      const r = await runTool(ctx, ['--test', `--conf-file=${ctx.dir}/${file}`]);
      const found = parseDnsmasqErrors(file, `${r.stderr}\n${r.stdout}`);
      out.push(...found, ...unexplainedFailure(CODE, 'dnsmasq --test', r, found, file));
    }
    return out;
  },
};
