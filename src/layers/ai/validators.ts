// The AI layer's validators for `beelab check`: the tailnet policy parses as HuJSON and passes its own tests.
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { Validator } from '../../check/validator.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runPolicyTests, type TailnetPolicy } from './tailscale-eval.ts';
import { POLICY_PATH } from './tailscale-policy.ts';

/** Line and column (1-based) of an offset. */
function position(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

/** Parses HuJSON (JSON with comments and trailing commas); syntax errors as located diagnostics. */
export function parseHujson(text: string, file: string): { value: unknown; errors: Diagnostic[] } {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  return {
    value,
    errors: errors.map((e) => ({
      code: 'tailscale-policy/syntax',
      severity: 'error',
      message: `not valid HuJSON: ${printParseErrorCode(e.error)}`,
      location: { file, ...position(text, e.offset) },
    })),
  };
}

export const tailscalePolicyValidator: Validator = {
  id: 'tailscale-policy',
  title: 'Tailnet policy (HuJSON, its tests)',
  applies: (files) => files.filter((f) => f === POLICY_PATH || f.endsWith('/policy.hujson')),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const { value, errors } = parseHujson(ctx.read(file), file);
      out.push(...errors);
      if (errors.length > 0) continue;
      for (const message of runPolicyTests(value as TailnetPolicy))
        out.push({
          code: 'tailscale-policy/test',
          severity: 'error',
          message,
          location: { file },
          hint: 'the grants and the tests disagree: fix the grants, or re-render if the file was edited',
        });
    }
    return out;
  },
};
