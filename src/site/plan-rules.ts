// Spec rules that need the layers: what the site will generate from beelab.yaml (host names, hosts per
// VLAN in the carved subnets). They run in the spec's rule runner, located like every other spec rule.
import { parseCidr, prefixFor } from '../net/ipam.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import { pathText } from '../spec/locate.ts';
import type { Finding, RuleContext, SpecPlan, SpecRule, SpecRuleOptions } from '../spec/rules/rule.ts';
import type { Spec } from '../spec/schema.ts';
import type { SiteContribution } from './contribution.ts';
import { LockBook } from './lock.ts';
import { ownRules } from './own-rules.ts';
import { hostRequests, planContext } from './resolve.ts';
import type { Vlan } from './types.ts';
import { resolveVlans } from './vlans.ts';

/** The VLANs by name and purpose only: host generation needs no addresses. */
function unaddressedVlans(spec: Spec): Vlan[] {
  return (spec.network?.vlans ?? []).map((v) => ({
    name: v.name,
    id: v.id,
    purpose: v.purpose,
    cidr: '',
    prefix: 24,
    gateway: '',
    staticRange: ['', ''],
    vipRange: ['', ''],
    dhcp: true,
    internet: 'yes',
  }));
}

/** The names the layers will generate from a spec (before allocation). */
export function specPlan(contributions: readonly SiteContribution[], spec: Spec): SpecPlan {
  const vlans = unaddressedVlans(spec);
  if (vlans.length === 0) return { hostNames: [], generatedVms: [] };
  const requests = hostRequests(planContext(spec, vlans), contributions);
  return {
    hostNames: requests.map((h) => h.name),
    generatedVms: requests.filter((h) => h.kind === 'vm' && !h.roles.includes('firewall')).map((h) => h.name),
  };
}

/** What the spec's rule runner needs from the layers: their plan and the rules over it. */
export function planRuleOptions(contributions: readonly SiteContribution[]): SpecRuleOptions {
  const rules: SpecRule[] = [
    (ctx) => capacityAndAddressRules(contributions, ctx),
    (ctx) => ownRules(ctx, contributions),
  ];
  return { plan: (spec) => specPlan(contributions, spec), extraRules: rules };
}

/** A subnet the user sized must hold the hosts the site puts in it; an explicit address must be in its VLAN. */
function capacityAndAddressRules(
  contributions: readonly SiteContribution[],
  { spec }: RuleContext,
): Finding[] {
  const out: Finding[] = [];
  const vlans = spec.network?.vlans ?? [];
  const supernet = parseCidr(spec.network?.supernet ?? DEFAULTS.supernet);
  if (!supernet || vlans.some((v) => v.cidr && !parseCidr(v.cidr))) return out;
  // Subnets as resolve carves them (without a lock, which only pins what was carved before).
  const resolved = resolveVlans(vlans, supernet, new LockBook(undefined)).map((v) => ({
    ...v,
    net: parseCidr(v.cidr)!,
  }));
  const hosts = hostRequests(planContext(spec, resolved), contributions);
  resolved.forEach((v) => {
    const i = vlans.findIndex((x) => x.name === v.name);
    const count = hosts.filter((h) => h.vlan === v.name).length;
    const [a, b] = v.staticRange.map((ip) =>
      ip
        .split('.')
        .map(Number)
        .reduce((x, y) => x * 256 + y, 0),
    );
    const capacity = b! - a! + 1;
    if (count > capacity) {
      out.push({
        code: 'net/subnet-too-small',
        path: ['network', 'vlans', i, 'cidr'],
        message: `network.vlans[${i}].cidr "${v.cidr}" is too small for ${count} hosts (its static range holds ${capacity})`,
        hint: `use a /${Math.min(prefixFor(count * 2.5), 24)} or larger`,
      });
    }
  });
  const check = (addr: string | undefined, vlanName: string, path: (string | number)[]) => {
    if (!addr) return;
    const v = resolved.find((x) => x.name === vlanName);
    if (!v) return;
    const n = addr
      .split('.')
      .map(Number)
      .reduce((x, y) => x * 256 + y, 0);
    if (n < v.net.base || n >= v.net.base + v.net.size) {
      out.push({
        code: 'net/address-outside-subnet',
        path,
        message: `${pathText(path)} "${addr}" is outside VLAN ${v.name} (${v.cidr})`,
        hint: `pick an address in ${v.staticRange[0]}-${v.staticRange[1]}, or omit it to have one allocated`,
      });
    }
  };
  const mgmt = resolved.find((v) => v.purpose === 'management')?.name;
  const ai = (resolved.find((v) => v.purpose === 'ai') ?? resolved.find((v) => v.purpose === 'servers'))
    ?.name;
  (spec.nodes ?? []).forEach((n, i) => {
    mgmt && check(n.address, mgmt, ['nodes', i, 'address']);
  });
  (spec.ai?.nodes ?? []).forEach((n, i) => {
    ai && check(n.address, ai, ['ai', 'nodes', i, 'address']);
  });
  (spec.watchdogs ?? []).forEach((w, i) => {
    mgmt && check(w.address, mgmt, ['watchdogs', i, 'address']);
  });
  return out;
}
