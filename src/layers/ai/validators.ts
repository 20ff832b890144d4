// The AI layer's validators for `beelab check`: the tailnet policy parses as HuJSON and passes its own tests.
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { Validator } from '../../check/validator.ts';
import { UserError } from '../../errors.ts';
import { parseGatewayConfig } from '../../gateway/load-config.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { GATEWAY_CONFIG_PATH } from './gateway-config.ts';
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

/** The gateway's own loader over the rendered gateway.yaml: what `beelab gateway` would refuse, located. */
export const gatewayConfigValidator: Validator = {
  id: 'ai-gateway-config',
  title: 'AI gateway config (its own loader)',
  applies: (files) => files.filter((f) => f === GATEWAY_CONFIG_PATH),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      try {
        parseGatewayConfig(ctx.read(file), file);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        for (const line of err.details.length ? err.details : [err.message]) {
          const m = /^\s*(.+?):(\d+):(\d+): (.*)$/.exec(line);
          out.push({
            code: 'ai-gateway-config',
            severity: 'error',
            message: m ? m[4]! : line.trim(),
            location: m ? { file, line: Number(m[2]), col: Number(m[3]) } : { file },
          });
        }
      }
    }
    return out;
  },
};
