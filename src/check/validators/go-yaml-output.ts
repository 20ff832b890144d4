// Parses the error text of Go tools that load YAML (promtool, amtool): `file: 5:15: msg`, `yaml: line 3: msg`, ...
import type { Diagnostic, Location } from '../../kernel/diagnostic.ts';
import { siteRelative } from '../exec.ts';

const CHECKING = /^Checking '?([^']+?)'?(?:\s+(?:SUCCESS|FAILED).*)?$/;
const FAILED = /FAILED:\s*(.*)$/;
const FILE_PREFIX = /^([^\s:'"]+\.ya?ml):\s*(.*)$/;
const PARSING_FILE = /^parsing YAML file ([^\s:]+):\s*(.*)$/;
const LINE_COL = /^(\d+):(\d+):\s*(.*)$/;
// `yaml: line 3: msg` (syntax) and `line 9: msg` (an item under `yaml: unmarshal errors:`).
const LINE_ONLY = /^(?:yaml: )?line (\d+):\s*(.*)$/;
// Lines that only frame the real messages.
const NOISE = /^(SUCCESS\b|Found:|- |amtool: error: failed to validate|yaml: unmarshal errors:$|$)/;

/**
 * Reads one stream of a tool run on `file`. Every line of a FAILED block becomes an error; a line naming
 * another YAML file (a rule file read by `promtool check config`) switches the file it belongs to.
 */
export function parseGoYamlErrors(dir: string, file: string, text: string, code: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let current = file;
  let inFailure = false;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    const checking = CHECKING.exec(line);
    if (checking) {
      current = siteRelative(dir, checking[1]!);
      inFailure = false;
    }
    const failed = FAILED.exec(line);
    if (failed) {
      inFailure = true;
      line = failed[1]!.trim();
    } else if (checking) {
      continue;
    }
    if (!inFailure) continue;
    for (const re of [PARSING_FILE, FILE_PREFIX]) {
      const m = re.exec(line);
      if (m) {
        current = siteRelative(dir, m[1]!);
        line = m[2]!.trim();
      }
    }
    if (NOISE.test(line)) continue;
    const loc: Location = { file: current };
    const lc = LINE_COL.exec(line);
    const lo = lc ? undefined : LINE_ONLY.exec(line);
    if (lc) {
      loc.line = Number(lc[1]);
      loc.col = Number(lc[2]);
      line = lc[3]!;
    } else if (lo) {
      loc.line = Number(lo[1]);
      line = lo[2]!;
    }
    out.push({ code, severity: 'error', message: line, location: loc });
  }
  return out;
}

/** Same message at the same place once: promtool prints rule-file errors on stdout and stderr. */
export function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = JSON.stringify([d.location?.file, d.location?.line, d.location?.col, d.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
