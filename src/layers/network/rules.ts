// Network rules over the Site: what compiles but deserves the user's attention before it reaches a firewall.

import { UserError } from '../../errors.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import type { Site } from '../../site/types.ts';
import { proveEquivalence } from './equivalence/prove.ts';
import { type NetworkModel, networkModel } from './model.ts';
import { vyosNics } from './vyos/render.ts';

const at = { file: 'beelab.yaml' };

/** Policy and addressing problems as diagnostics (the renderer throws on the same errors). */
export function networkRules(site: Site): Diagnostic[] {
  const out: Diagnostic[] = [];
  /** A UserError of the compiler or the backend becomes a diagnostic; the rules themselves never throw on input. */
  const attempt = <T>(code: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out.push({
        code,
        severity: 'error',
        message: err.message,
        location: at,
        hint: err.details.map((d) => d.trim()).join(' ') || undefined,
      });
      return undefined;
    }
  };
  const model: NetworkModel | undefined = attempt('net/policy', () => networkModel(site));
  // The proof the tests run on the examples, run on this Site: the rendered firewall enforces the policy.
  const diff = model && attempt('net/backend', () => proveEquivalence(model));
  if (diff) {
    if (diff.length > 0) {
      out.push({
        code: 'net/equivalence',
        severity: 'error',
        message: `the ${site.firewall.platform} output does not enforce the policy: ${diff.join('; ')}`,
        location: at,
        hint: 'This is a bug in Beelab; please report it with your beelab.yaml.',
      });
    }
  }
  if (!site.vlans.some((v) => v.purpose === 'management')) {
    out.push({
      code: 'net/no-management',
      severity: 'warning',
      message: 'no VLAN has purpose management, so nothing may administer the other VLANs',
      location: at,
      hint: 'Give one VLAN `purpose: management`.',
    });
  }
  const dhcp = new Set(site.vlans.filter((v) => v.dhcp && v.dhcpRange).map((v) => v.name));
  for (const h of site.hosts) {
    if (h.mac && h.name !== site.firewall.host && !dhcp.has(h.vlan)) {
      out.push({
        code: 'net/static-only',
        severity: 'info',
        message: `host ${h.name} has a MAC but VLAN ${h.vlan} serves no DHCP: configure ${h.address} on the host itself`,
        location: at,
      });
    }
  }
  if (site.firewall.platform === 'vyos') {
    const nics = vyosNics(site);
    if (nics.wan !== site.firewall.wan || nics.trunk !== site.firewall.trunk) {
      out.push({
        code: 'net/vyos-nic',
        severity: 'warning',
        message: `VyOS names NICs ethN: WAN ${site.firewall.wan} is written as ${nics.wan}, trunk ${site.firewall.trunk} as ${nics.trunk}`,
        location: at,
        hint: 'Set network.firewall.wan and trunk to the eth names VyOS shows (show interfaces).',
      });
    }
  }
  return out;
}
