// Spec rules that need the layers: what the site will generate from beelab.yaml (host names, hosts per VLAN in
// the carved subnets, DNS names, service ports). They run in the spec's rule runner, located like every other
// spec rule, and never throw on input: what the network compiler would refuse at render time is found here.
import { ipToInt, type Net, overlaps, parseCidr } from '../net/ipam.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import { checkIpv4 } from '../spec/fields.ts';
import { pathText, type SpecPath } from '../spec/locate.ts';
import { writtenHosts } from '../spec/rules/hosts-of.ts';
import type { Finding, RuleContext, SpecPlan, SpecRule, SpecRuleOptions } from '../spec/rules/rule.ts';
import type { Spec } from '../spec/schema.ts';
import { computeSiteRules } from './compute-rules.ts';
import type { HostRequest, SiteContribution } from './contribution.ts';
import { type Lock, LockBook } from './lock.ts';
import { ownRules } from './own-rules.ts';
import { rackRules } from './rack-rules.ts';
import { hostRequests, planContext } from './resolve.ts';
import { siteOf } from './spec-site.ts';
import type { Service, Vlan } from './types.ts';
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

/**
 * What the spec's rule runner needs from the layers: their plan and the rules over it. With the lock (loading a
 * site directory), the rules judge the Site render will build: its VM placement, and VM ids the lock holds.
 */
export function planRuleOptions(contributions: readonly SiteContribution[], lock?: Lock): SpecRuleOptions {
  const rules: SpecRule[] = [
    function addressing(ctx) {
      return addressingRules(contributions, ctx);
    },
    function siteWide(ctx) {
      return siteRules(contributions, ctx, lock);
    },
    function own(ctx) {
      return ownRules(ctx, contributions, lock);
    },
    function compute(ctx) {
      return computeSiteRules(ctx, contributions, lock);
    },
    function rack(ctx) {
      return rackRules(ctx, contributions, lock);
    },
    function layerRules(ctx) {
      const site = siteOf(contributions, ctx.spec, lock);
      return site ? contributions.flatMap((c) => c.rules?.(ctx, site) ?? []) : [];
    },
  ];
  return { plan: (spec) => specPlan(contributions, spec), extraRules: rules };
}

type CarvedVlan = Vlan & { net: Net };

/** Number of /24 blocks of the supernet that the explicit subnets touch. */
function blocksTaken(supernet: Net, explicit: Net[]): number {
  const spans = explicit
    .filter((n) => overlaps(n, supernet))
    .map((n) => {
      const lo = Math.max(n.base, supernet.base);
      const hi = Math.min(n.base + n.size, supernet.base + supernet.size) - 1;
      return [Math.floor(lo / 256), Math.floor(hi / 256)] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let count = 0;
  let end = -1;
  for (const [lo, hi] of spans) {
    if (hi <= end) continue;
    count += hi - Math.max(lo, end + 1) + 1;
    end = hi;
  }
  return count;
}

/**
 * The VLANs as resolve carves them (without a lock, which only pins what was carved before), or the finding that
 * says which VLAN finds no /24 left. Undefined VLANs when the spec's addressing is invalid (other rules say why).
 */
function carve(spec: Spec, written: RuleContext['written']): { vlans?: CarvedVlan[]; findings: Finding[] } {
  const specVlans = spec.network?.vlans ?? [];
  const supernetText = spec.network?.supernet ?? DEFAULTS.supernet;
  const supernet = parseCidr(supernetText);
  const names = new Set(specVlans.map((v) => v.name));
  if (!supernet || supernet.prefix > 24 || specVlans.length === 0 || names.size !== specVlans.length)
    return { findings: [] };
  if (specVlans.some((v) => v.cidr && !parseCidr(v.cidr))) return { findings: [] };
  const explicit = specVlans.flatMap((v) => (v.cidr ? [parseCidr(v.cidr)!] : []));
  const blocks = supernet.size / 256;
  const free = blocks - blocksTaken(supernet, explicit);
  const auto = specVlans.map((v, i) => [v, i] as const).filter(([v]) => !v.cidr);
  if (auto.length > free) {
    const [v, i] = auto[Math.max(free, 0)]!;
    const need = auto.length + (blocks - free);
    const prefix = 24 - Math.ceil(Math.log2(need));
    return {
      findings: [
        {
          code: 'net/supernet-full',
          // The VLAN that finds no room when the user listed the VLANs, else the supernet they sized.
          path: written(['network', 'vlans']) ? ['network', 'vlans', i, 'name'] : ['network', 'supernet'],
          message: `network.vlans[${i}] "${v.name}" finds no free /24 in network.supernet ${supernetText}: it holds ${blocks} /24 subnet${blocks === 1 ? '' : 's'}, ${blocks - free} taken by explicit cidrs, and ${auto.length} VLANs without a cidr need one each`,
          hint:
            prefix >= 8
              ? `use a /${prefix} supernet (room for ${2 ** (24 - prefix)} /24s), or give some VLANs a smaller explicit cidr (e.g. a /26)`
              : 'give VLANs smaller explicit cidrs (e.g. /26): even 10.0.0.0/8 holds only 65,536 /24s',
        },
      ],
    };
  }
  const vlans = resolveVlans(specVlans, supernet, new LockBook(undefined));
  return { vlans: vlans.map((v) => ({ ...v, net: parseCidr(v.cidr)! })), findings: [] };
}

/** Where in beelab.yaml a generated host's count is written, by its VM group. */
const GROUP_PATHS: Record<string, SpecPath> = {
  'talos-cp': ['production', 'controlPlanes'],
  'talos-w': ['production', 'workers'],
  'k3s-s': ['devops', 'servers'],
  'k3s-a': ['devops', 'agents'],
};

/** The list or count in beelab.yaml a host comes from (`nodes`, `production.workers`, ...), if the user wrote it. */
function sourceOf(r: HostRequest, written: Map<string, SpecPath>, ctx: RuleContext): SpecPath | undefined {
  const group = r.vm?.group ? GROUP_PATHS[r.vm.group] : undefined;
  if (group) return ctx.written(group) ? group : undefined;
  const path = written.get(r.name);
  return path && ctx.written(path) ? path.slice(0, -1) : undefined;
}

const toInt = (ip: string) => ipToInt(ip);
const inRange = (n: number, range: readonly [string, string] | undefined) =>
  range !== undefined && n >= toInt(range[0]) && n <= toInt(range[1]);

/** What an address collides with on its VLAN, or undefined when it is a free static address. */
function collision(n: number, v: CarvedVlan): string | undefined {
  const where = `VLAN ${v.name} (${v.cidr})`;
  if (n < v.net.base || n >= v.net.base + v.net.size) return undefined;
  if (n === v.net.base) return `is the network address of ${where}`;
  if (n === v.net.base + v.net.size - 1) return `is the broadcast address of ${where}`;
  if (n === toInt(v.gateway)) return `is the firewall's own address on ${where} (its gateway)`;
  if (inRange(n, v.vipRange))
    return `is in the VIP range ${v.vipRange.join('-')} of ${where}, kept for API and ingress VIPs`;
  if (inRange(n, v.dhcpRange))
    return `is in the DHCP pool ${v.dhcpRange!.join('-')} of ${where}, which the firewall hands to clients`;
  if (inRange(n, v.poolRange))
    return `is in the load-balancer range ${v.poolRange!.join('-')} of ${where}, kept for MetalLB / LB-IPAM`;
  return undefined;
}

/** Supernet room, subnet capacity, and every address the user wrote against its VLAN's layout. */
function addressingRules(contributions: readonly SiteContribution[], ctx: RuleContext): Finding[] {
  const { spec } = ctx;
  const carved = carve(spec, ctx.written);
  if (!carved.vlans) return carved.findings;
  const resolved = carved.vlans;
  const out: Finding[] = [];
  const hosts = hostRequests(planContext(spec, resolved), contributions);
  const written = new Map<string, SpecPath>();
  for (const h of writtenHosts(spec)) if (!written.has(h.name)) written.set(h.name, h.path);
  for (const v of resolved) {
    const i = (spec.network?.vlans ?? []).findIndex((x) => x.name === v.name);
    const inVlan = hosts.filter((h) => h.vlan === v.name);
    const capacity = toInt(v.staticRange[1]) - toInt(v.staticRange[0]) + 1;
    if (inVlan.length <= capacity) continue;
    // Blame the cidr the user sized, else the count that grew past a default /24 (production.workers: 300).
    const cidrPath: SpecPath = ['network', 'vlans', i, 'cidr'];
    const bySource = new Map<string, { path: SpecPath; count: number }>();
    for (const h of inVlan) {
      const p = sourceOf(h, written, ctx);
      if (!p) continue;
      const key = pathText(p);
      bySource.set(key, { path: p, count: (bySource.get(key)?.count ?? 0) + 1 });
    }
    const top = [...bySource.values()].sort((a, b) => b.count - a.count)[0];
    const path = ctx.written(cidrPath) || !top ? cidrPath : top.path;
    const parts = [...bySource.entries()].map(([k, s]) => `${s.count} from ${k}`);
    const prefix = Math.max(16, 32 - Math.ceil(Math.log2((inVlan.length * 256) / 90 + 1)));
    out.push({
      code: 'net/subnet-too-small',
      path,
      message: `VLAN ${v.name} (${v.cidr}) is too small for ${inVlan.length} hosts: its static range ${v.staticRange.join('-')} holds ${capacity}${parts.length ? ` (${parts.join(', ')})` : ''}`,
      hint: `give network.vlans[${i}] (${v.name}) a larger cidr, a /${Math.min(prefix, v.prefix - 1)} or larger, or put fewer hosts in it`,
    });
  }
  for (const h of hosts) {
    if (!h.fixedAddress || checkIpv4(h.fixedAddress)) continue;
    const base = written.get(h.name);
    const v = resolved.find((x) => x.name === h.vlan);
    if (!base || !v) continue;
    const path = [...base, 'address'];
    const n = toInt(h.fixedAddress);
    if (n < v.net.base || n >= v.net.base + v.net.size) {
      out.push({
        code: 'net/address-outside-subnet',
        path,
        message: `${pathText(path)} "${h.fixedAddress}" is outside VLAN ${v.name} (${v.cidr}), where ${h.name} is placed`,
        hint: `pick an address in ${v.staticRange[0]}-${v.staticRange[1]}, or omit it to have one allocated`,
      });
      continue;
    }
    const problem = collision(n, v);
    if (problem) {
      out.push({
        code: 'net/address-collision',
        path,
        message: `${pathText(path)} "${h.fixedAddress}" ${problem}`,
        hint: `host addresses go in the static range ${v.staticRange[0]}-${v.staticRange[1]}; or omit it to have one allocated`,
      });
    }
  }
  return out;
}

/** Where the user chose a service's name or port, for locating a clash the choice caused. */
function servicePaths(spec: Spec, s: Service): { name?: SpecPath; port?: (port: string) => SpecPath } {
  if (s.kind === 'own') {
    const i = (spec.services ?? []).findIndex((x) => x.name === s.name);
    if (i < 0) return {};
    const ports = spec.services![i]!.ports;
    return {
      name: ['services', i, 'name'],
      port: (p) => [
        'services',
        i,
        'ports',
        Math.max(
          0,
          ports.findIndex((x) => x.name === p),
        ),
        'port',
      ],
    };
  }
  if (s.kind === 'app') {
    const i = (spec.apps ?? []).findIndex((a) => (typeof a === 'string' ? a : a.name) === s.name);
    return i < 0 ? {} : { name: ['apps', i], port: () => ['apps', i] };
  }
  if (s.name === 'ai-gateway') return { port: () => ['ai', 'gatewayPort'] };
  return {};
}

/** The port every host keeps for its administrator. */
const SSH = { port: 22, protocol: 'tcp' as const, owner: 'ssh (every host keeps tcp/22 for administration)' };

/** One DNS name for one thing, and one service per port and protocol on a host. */
function siteRules(
  contributions: readonly SiteContribution[],
  ctx: RuleContext,
  lock: Lock | undefined,
): Finding[] {
  const { spec } = ctx;
  // A device on a VLAN that does not exist is ownRules' finding; the Site cannot be resolved without it.
  const vlanNames = new Set((spec.network?.vlans ?? []).map((v) => v.name));
  if ((spec.devices ?? []).some((d) => !vlanNames.has(d.vlan))) return [];
  const site = siteOf(contributions, spec, lock);
  if (!site) return [];
  const out: Finding[] = [];
  const written = new Map<string, SpecPath>();
  for (const h of writtenHosts(spec)) if (!written.has(h.name)) written.set(h.name, [...h.path, 'name']);
  const writtenPath = (p: SpecPath | undefined) => (p && ctx.written(p) ? p : undefined);

  // DNS: the firewall serves <name>.<domain> for every host, VIP and named service; one name, one address.
  const names = new Map<string, { address: string; what: string; path?: SpecPath }>();
  const domainSuffix = `.${site.domain}`;
  const add = (name: string, address: string, what: string, path?: SpecPath) => {
    const prev = names.get(name);
    if (!prev) {
      names.set(name, { address, what, ...(path ? { path } : {}) });
      return;
    }
    if (prev.address === address) return;
    const at = writtenPath(path) ?? writtenPath(prev.path) ?? ['site', 'domain'];
    out.push({
      code: 'dns/duplicate-name',
      path: at,
      message: `DNS name ${name}${domainSuffix} would point at both ${prev.address} (${prev.what}) and ${address} (${what})`,
      hint: 'rename one of them: hosts, VIPs and services with a DNS name share the site domain',
    });
  };
  for (const h of site.hosts) add(h.name, h.address, `${h.kind} ${h.name}`, written.get(h.name));
  for (const v of site.vips) add(v.name, v.address, `VIP ${v.name}`);
  for (const s of site.services) {
    if (!s.fqdn?.endsWith(domainSuffix)) continue;
    const target = s.hosts
      .map(
        (n) => site.vips.find((v) => v.name === n)?.address ?? site.hosts.find((h) => h.name === n)?.address,
      )
      .find((a) => a !== undefined);
    if (target)
      add(s.fqdn.slice(0, -domainSuffix.length), target, `service ${s.name}`, servicePaths(spec, s).name);
  }

  // Ports: per host and protocol, one service per port; tcp/22 stays ssh's on every host.
  const hostNames = new Set(site.hosts.map((h) => h.name));
  const taken = new Map<string, { owner: string; path?: SpecPath }>();
  for (const s of site.services) {
    const paths = servicePaths(spec, s);
    for (const host of s.hosts) {
      if (!hostNames.has(host)) continue;
      for (const p of s.ports) {
        // A proxied app's own ports live inside its container; its https/443 is the reverse proxy's, shared.
        const viaProxy = s.proxied && p.port === 443 && p.protocol === 'tcp';
        if (s.proxied && !viaProxy) continue;
        const key = `${host}/${p.protocol}/${p.port}`;
        const owner = viaProxy ? 'the reverse proxy (https)' : `${s.name} (${p.name})`;
        const path = writtenPath(paths.port?.(p.name));
        const prev =
          p.port === SSH.port && p.protocol === SSH.protocol ? { owner: SSH.owner } : taken.get(key);
        if (!prev) {
          taken.set(key, { owner, ...(path ? { path } : {}) });
          continue;
        }
        if (prev.owner === owner) continue;
        out.push({
          code: 'service/port-collision',
          path: path ?? prev.path ?? ['site'],
          message: `${p.protocol}/${p.port} on ${host} is used twice: by ${prev.owner} and by ${owner}`,
          hint: `every service on a host needs its own port; choose another port than ${p.port}`,
        });
      }
    }
  }
  return out;
}
