// The external validators `beelab check` runs; add one with one line in the list below.
import type { Validator } from '../validator.ts';
import { amtool } from './amtool.ts';
import { ansibleInventory } from './ansible-inventory.ts';
import { ansibleLint } from './ansible-lint.ts';
import { ansiblePlaybookSyntax } from './ansible-playbook-syntax.ts';
import { blackboxExporter } from './blackbox.ts';
import { caddyValidate } from './caddy.ts';
import { dnsmasq } from './dnsmasq.ts';
import { dockerCompose } from './docker-compose.ts';
import { nft } from './nft.ts';
import { plistValidator } from './plist.ts';
import { promtool } from './promtool.ts';
import { shellcheck } from './shellcheck.ts';
import { yamllint } from './yamllint.ts';

/**
 * A fresh list each call, in the order the summary shows them. A validator every site may need goes
 * here (one import, one line); one that only a layer's output needs can instead come from that layer's
 * `validators()` and be passed to checkDir as `extraValidators` (a repeated id runs once).
 */
export function defaultValidators(): Validator[] {
  return [
    yamllint,
    ansibleInventory,
    ansiblePlaybookSyntax,
    ansibleLint,
    shellcheck,
    promtool,
    amtool,
    blackboxExporter,
    dockerCompose,
    caddyValidate,
    nft,
    dnsmasq,
    plistValidator,
  ];
}

export { jsonSchemaValidator, type SchemaRule } from './json-schema.ts';
