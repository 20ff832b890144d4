// Rules over addressing: supernet, VLAN ids and subnets, explicit addresses, MACs.

import { containsNet, formatNet, type Net, overlaps, parseCidr } from '../../net/ipam.ts';
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

/** Private ranges a cluster's subnets commonly use: the first clear of the supernet and the other subnet is offered. */
const SUBNET_CANDIDATES = {
  podSubnet: ['10.244.0.0/16', '10.42.0.0/16', '172.30.0.0/16', '192.168.128.0/18'],
  serviceSubnet: ['10.96.0.0/12', '10.43.0.0/16', '172.31.0.0/16', '192.168.192.0/18'],
} as const;

function suggestion(
  supernet: Net,
  field: keyof typeof SUBNET_CANDIDATES,
  subnets: { field: string; net: Net | undefined }[],
): string {
  const other = subnets.find((s) => s.field !== field)?.net;
  const free = SUBNET_CANDIDATES[field].find((c) => {
    const n = parseCidr(c)!;
    return !overlaps(n, supernet) && !(other && overlaps(n, other));
  });
  return free ? `, e.g. ${free}` : '';
}

/**
 * The clusters' pod and service subnets are routed inside each cluster only: overlapping the site's supernet
 * would make a pod's address or a Service's cluster IP shadow a machine of the site, and a cluster's pod and
 * service subnets must not overlap each other. Judged for a cluster that has nodes, or whose subnets were written.
 */
export function clusterSubnetRules({ spec, written }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const supernetText = spec.network?.supernet ?? DEFAULTS.supernet;
  const supernet = parseCidr(supernetText);
  const clusters = [
    ['production', 'Talos', (spec.production?.controlPlanes ?? 0) > 0],
    ['devops', 'k3s', (spec.devops?.servers ?? 0) > 0],
  ] as const;
  for (const [key, what, used] of clusters) {
    const own = spec[key] ?? {};
    const subnets = (['podSubnet', 'serviceSubnet'] as const).map((field) => {
      const text = own[field] ?? DEFAULTS[key][field];
      const path = [key, field];
      return { field, text, net: parseCidr(text), path, given: written(path) || own[field] !== undefined };
    });
    if (!used && !subnets.some((s) => s.given)) continue;
    for (const s of subnets) {
      if (!s.net || !supernet || !overlaps(s.net, supernet)) continue;
      out.push({
        code: 'cluster/subnet-overlap',
        path: s.path,
        message: `${key}.${s.field} ${s.text}${s.given ? '' : ` (${what}'s default)`} overlaps the supernet ${formatNet(supernet)}: the ${what} cluster would route ${s.field === 'podSubnet' ? 'pod addresses' : 'Service cluster IPs'} that belong to the site's own VLANs`,
        hint: `set ${key}.${s.field} to a range outside ${formatNet(supernet)}${suggestion(supernet, s.field, subnets)}`,
      });
    }
    const [pod, svc] = subnets;
    if (pod!.net && svc!.net && overlaps(pod!.net, svc!.net))
      out.push({
        code: 'cluster/subnet-overlap',
        path: (svc!.given ? svc! : pod!).path,
        message: `${key}.serviceSubnet ${svc!.text} overlaps ${key}.podSubnet ${pod!.text}: a cluster IP could be a pod's address`,
        hint: `give the ${what} cluster two separate ranges, e.g. its defaults ${DEFAULTS[key].podSubnet} and ${DEFAULTS[key].serviceSubnet}`,
      });
  }
  return out;
}
