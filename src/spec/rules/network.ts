// Rules over addressing: supernet, VLAN ids and subnets, explicit addresses, MACs.

import { containsNet, formatNet, overlaps, parseCidr } from '../../net/ipam.ts';
import { DEFAULTS } from '../defaults.ts';
import { checkFirewallNic, checkNic, RESERVED_VLAN_NAMES, supernetProblem } from '../fields.ts';
import type { Finding, RuleContext } from './rule.ts';

export function supernetRule({ spec }: RuleContext): Finding[] {
  const text = spec.network?.supernet ?? DEFAULTS.supernet;
  const problem = supernetProblem(text);
  if (!problem) return [];
  return [{ ...problem, path: ['network', 'supernet'], message: `network.supernet ${problem.message}` }];
}

export function vlanRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const vlans = spec.network?.vlans ?? [];
  const supernet = parseCidr(spec.network?.supernet ?? DEFAULTS.supernet);
  const seenId = new Map<number, number>();
  const seenName = new Map<string, number>();
  vlans.forEach((v, i) => {
    const base = ['network', 'vlans', i];
    if (v.id < 2 || v.id > 4094) {
      out.push({
        code: 'net/vlan-id',
        path: [...base, 'id'],
        message: `network.vlans[${i}].id ${v.id} is not a usable VLAN tag`,
        hint: 'use 2-4094 (1 is the untagged default VLAN on most switches)',
      });
    }
    const prevId = seenId.get(v.id);
    if (prevId !== undefined)
      out.push({
        code: 'net/vlan-duplicate-id',
        path: [...base, 'id'],
        message: `network.vlans[${i}].id ${v.id} is already used by network.vlans[${prevId}]`,
        hint: 'give every VLAN its own tag',
      });
    else seenId.set(v.id, i);
    if ((RESERVED_VLAN_NAMES as readonly string[]).includes(v.name)) {
      out.push({
        code: 'net/vlan-reserved-name',
        path: [...base, 'name'],
        message: `network.vlans[${i}].name "${v.name}" is reserved: the firewall policy uses it for its own zone`,
        hint: `rename the VLAN; reserved names: ${RESERVED_VLAN_NAMES.join(', ')}`,
      });
    }
    const prevName = seenName.get(v.name);
    if (prevName !== undefined)
      out.push({
        code: 'net/vlan-duplicate-name',
        path: [...base, 'name'],
        message: `network.vlans[${i}].name "${v.name}" is already used by network.vlans[${prevName}]`,
        hint: 'VLAN names must be unique',
      });
    else seenName.set(v.name, i);
    if (v.cidr) {
      const net = parseCidr(v.cidr);
      if (!net) {
        out.push({
          code: 'net/cidr-invalid',
          path: [...base, 'cidr'],
          message: `network.vlans[${i}].cidr "${v.cidr}" is not a network address`,
          hint: 'the host bits must be zero, e.g. 10.20.10.0/24',
        });
      } else if (supernet && !containsNet(supernet, net)) {
        out.push({
          code: 'net/cidr-outside-supernet',
          path: [...base, 'cidr'],
          message: `network.vlans[${i}].cidr "${v.cidr}" is outside the supernet ${formatNet(supernet)}`,
          hint: 'carve VLAN subnets from network.supernet, or omit cidr to have one allocated',
        });
      }
    }
  });
  if (!vlans.some((v) => v.purpose === 'management')) {
    out.push({
      code: 'net/no-management',
      path: ['network', 'vlans'],
      message: 'network.vlans has no VLAN with purpose management',
      hint: 'add one: { name: mgmt, id: 10, purpose: management }',
    });
  }
  for (let i = 0; i < vlans.length; i++) {
    for (let j = i + 1; j < vlans.length; j++) {
      const a = vlans[i]!.cidr ? parseCidr(vlans[i]!.cidr!) : undefined;
      const b = vlans[j]!.cidr ? parseCidr(vlans[j]!.cidr!) : undefined;
      if (a && b && overlaps(a, b)) {
        out.push({
          code: 'net/overlap',
          path: ['network', 'vlans', j, 'cidr'],
          message: `network.vlans[${j}].cidr "${vlans[j]!.cidr}" overlaps network.vlans[${i}].cidr "${vlans[i]!.cidr}"`,
          hint: 'VLAN subnets must not overlap',
        });
      }
    }
  }
  return out;
}

/** The firewall's NIC names as its platform names them (only names the user wrote: defaults are mapped). */
export function firewallNicRule({ spec, written }: RuleContext): Finding[] {
  const fw = spec.network?.firewall;
  const platform = fw?.platform ?? DEFAULTS.firewall.platform;
  const out: Finding[] = [];
  for (const key of ['wan', 'trunk'] as const) {
    const v = fw?.[key];
    const path = ['network', 'firewall', key];
    // A name no Linux tool accepts is the schema's error already (checkNic); this adds the platform's naming.
    if (typeof v !== 'string' || !written(path) || checkNic(v)) continue;
    const problem = checkFirewallNic(platform, v);
    if (problem) {
      out.push({
        code: 'net/interface-name',
        path,
        message: `network.firewall.${key} ${problem}`,
        hint: `the name the ${platform} firewall shows for its ${key === 'wan' ? 'uplink' : 'VLAN trunk'} NIC`,
      });
    }
  }
  return out;
}
