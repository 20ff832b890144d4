// Reads gateway.yaml through the kernel's positioned loader: every problem with file:line:col, key path and fix.
import { loadYaml, parseYaml } from '../kernel/load-yaml.ts';
import { type GatewayConfig, gatewayConfigSchema } from './config-schema.ts';

const OPTIONS = { what: 'the gateway config', docs: 'docs/gateway.md' } as const;

/** Parses and validates config text; throws one UserError listing every problem. */
export function parseGatewayConfig(text: string, file: string): GatewayConfig {
  return parseYaml(text, file, gatewayConfigSchema, OPTIONS);
}

/** Loads the config file; a missing file is a UserError that says how to start one. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  return loadYaml(file, gatewayConfigSchema, {
    ...OPTIONS,
    readHint: ['  start from examples/gateway.yaml: cp examples/gateway.yaml gateway.yaml'],
  });
}
