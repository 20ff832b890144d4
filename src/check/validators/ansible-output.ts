// Parses what ansible-inventory and ansible-playbook print on stderr: wrapped [WARNING] and ERROR! blocks.
import type { Diagnostic, Location } from '../../kernel/diagnostic.ts';
import { siteRelative } from '../exec.ts';

export interface AnsibleMessage {
  kind: 'warning' | 'deprecation' | 'error';
  /** The message on one line (ansible wraps at 80 columns), without the "The error appears" tail. */
  text: string;
  location?: Location;
}

const MARKER = /^(\[WARNING\]:|\[DEPRECATION WARNING\]:|ERROR!)\s?(.*)$/;
const WHERE = /The error appears to be in '([^']+)': line (\d+), column (\d+)/;

/** Splits ansible's stderr into messages; paths in locations are made site-relative. */
export function parseAnsibleStderr(dir: string, stderr: string): AnsibleMessage[] {
  const blocks: { kind: AnsibleMessage['kind']; lines: string[] }[] = [];
  for (const line of stderr.split('\n')) {
    const m = MARKER.exec(line);
    if (m) {
      const kind = m[1] === 'ERROR!' ? 'error' : m[1] === '[WARNING]:' ? 'warning' : 'deprecation';
      blocks.push({ kind, lines: [m[2] ?? ''] });
    } else if (blocks.length > 0) {
      blocks.at(-1)!.lines.push(line);
    }
  }
  return blocks.map(({ kind, lines }) => {
    const joined = squash(lines.join(' '));
    // An ERROR! block is a message paragraph followed by the offending source lines; keep the paragraph.
    const firstPara = kind === 'error' ? squash(lines.slice(0, paragraphEnd(lines)).join(' ')) : joined;
    const msg: AnsibleMessage = { kind, text: cleanMessage(firstPara) };
    const w = WHERE.exec(joined);
    if (w) msg.location = { file: siteRelative(dir, w[1]!), line: Number(w[2]), col: Number(w[3]) };
    return msg;
  });
}

/** One diagnostic per message; deprecations are info, since the user cannot act on ansible's own internals. */
export function ansibleDiagnostics(
  code: string,
  messages: AnsibleMessage[],
  fallbackFile: string,
): Diagnostic[] {
  return messages.map((m) => ({
    code,
    severity: m.kind === 'error' ? 'error' : m.kind === 'warning' ? 'warning' : 'info',
    message: m.text,
    location: m.location ?? { file: fallbackFile },
  }));
}

function paragraphEnd(lines: string[]): number {
  const i = lines.findIndex((l, idx) => idx > 0 && l.trim() === '');
  return i === -1 ? lines.length : i;
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// "We were unable to read either as JSON nor YAML, ... Syntax Error while loading YAML. did not find
// expected key The error appears to be in ..." → "did not find expected key".
function cleanMessage(s: string): string {
  let out = s;
  const yamlErr = out.indexOf('Syntax Error while loading YAML.');
  if (yamlErr !== -1) {
    const head = out.slice(0, out.indexOf(':') + 1);
    out = `${head} ${out.slice(yamlErr + 'Syntax Error while loading YAML.'.length)}`;
  }
  const tail = out.indexOf('The error appears to be in');
  if (tail !== -1) out = out.slice(0, tail);
  return squash(out);
}
