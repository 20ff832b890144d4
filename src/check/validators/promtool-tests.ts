// promtool test rules: the failed unit tests of an alert rule test file, one diagnostic each, at the test's name.
import type { Diagnostic } from '../../kernel/diagnostic.ts';

/** The line (1-based) of `name: <test name>` in the test file, when found. */
function lineOf(text: string, name: string): number | undefined {
  const i = text
    .split('\n')
    .findIndex((l) => l.replace(/^\s*(- )?name:\s*/, '').replace(/^(["'])(.*)\1$/, '$2') === name);
  return i >= 0 ? i + 1 : undefined;
}

/**
 * Each `name: ...` block after `FAILED:` in promtool's output: the test, the alert and evaluation time, and
 * what it expected against what it got (shortened).
 */
export function parsePromtoolTestFailures(
  file: string,
  output: string,
  source: string,
  code: string,
): Diagnostic[] {
  const at = output.indexOf('FAILED:');
  if (at < 0) return [];
  const blocks = output
    .slice(at + 'FAILED:'.length)
    .split(/\n(?=\s{4}name: )/)
    .map((b) => b.trim())
    .filter((b) => b.startsWith('name: '));
  return blocks.map((b) => {
    const lines = b.split('\n').map((l) => l.trim());
    const name = lines[0]!.slice('name: '.length).replace(/,$/, '');
    const when = (lines[1] ?? '').replace(/,\s*$/, '');
    const detail = lines
      .slice(2)
      .filter(
        (l) =>
          /^(exp|got|Labels|Annotations|\d+:)/.test(l) || l.startsWith('expected') || l.startsWith('error'),
      )
      .join(' ')
      .replace(/\s+/g, ' ')
      .slice(0, 600);
    const line = lineOf(source, name);
    return {
      code,
      severity: 'error' as const,
      message: `unit test "${name}" failed${when ? ` (${when})` : ''}${detail ? `: ${detail}` : ''}`,
      location: { file, ...(line ? { line, col: 1 } : {}) },
      hint: 'the alert rule no longer does what its test expects: fix the rule (rules/) or, if the change is intended, the test',
    };
  });
}
