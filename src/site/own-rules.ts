// Rules over the user's own devices, services and flows: every name they use exists, ports are named and
// unique, and a whole VLAN is never a source without a reason. Located like every spec rule.

import { closest } from '../kernel/suggest.ts';
import type { EndpointSpec } from '../spec/own.ts';
import type { Finding, RuleContext } from '../spec/rules/rule.ts';
import type { SiteContribution } from './contribution.ts';
import type { Lock } from './lock.ts';
import { siteOf } from './spec-site.ts';
import type { Site } from './types.ts';

type Path = (string | number)[];

function unknown(path: Path, what: string, name: string, known: string[]): Finding {
  const guess = closest(name, known);
  return {
    code: 'own/unknown-name',
    path,
    message: `${what} "${name}" is not one of this site's`,
    hint: guess
      ? `did you mean \`${guess}\`?`
      : `known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}`,
  };
}

/** Each name an endpoint uses must exist in the resolved Site. */
function endpointFindings(e: EndpointSpec, path: Path, site: Site): Finding[] {
  if (e === 'tailnet') return [];
  if ('vlan' in e) {
    const names = site.vlans.map((v) => v.name);
    return names.includes(e.vlan) ? [] : [unknown([...path, 'vlan'], 'VLAN', e.vlan, names)];
  }
  if ('host' in e) {
    const names = site.hosts.map((h) => h.name);
    return names.includes(e.host) ? [] : [unknown([...path, 'host'], 'host', e.host, names)];
  }
  if ('vip' in e) {
    const names = site.vips.map((v) => v.name);
    return names.includes(e.vip) ? [] : [unknown([...path, 'vip'], 'VIP', e.vip, names)];
  }
  const roles = [...new Set(site.hosts.flatMap((h) => h.roles))].sort();
  return (roles as string[]).includes(e.role) ? [] : [unknown([...path, 'role'], 'role', e.role, roles)];
}

export function ownRules(
  ctx: RuleContext,
  contributions: readonly SiteContribution[],
  lock?: Lock,
): Finding[] {
  const { spec } = ctx;
  if (!spec.devices?.length && !spec.services?.length && !spec.flows?.length) return [];
  const out: Finding[] = [];
  const vlanNames = (spec.network?.vlans ?? []).map((v) => v.name);
  (spec.devices ?? []).forEach((d, i) => {
    if (!vlanNames.includes(d.vlan)) out.push(unknown(['devices', i, 'vlan'], 'VLAN', d.vlan, vlanNames));
  });
  // Names and endpoints are judged against the resolved Site; a spec that does not resolve has other errors.
  if (out.length > 0) return out;
  const site = siteOf(contributions, ctx.spec, lock);
  if (!site) return out;
  const hostNames = site.hosts.map((h) => h.name);
  const catalog = site.services.filter((s) => s.kind !== 'own').map((s) => s.name);
  const seen = new Set<string>(catalog);
  (spec.services ?? []).forEach((s, i) => {
    const at: Path = ['services', i];
    if (seen.has(s.name)) {
      out.push({
        code: 'own/duplicate-service',
        path: [...at, 'name'],
        message: `services[${i}].name "${s.name}" is already a service of this site`,
        hint: `catalog and app services: ${catalog.join(', ')}; pick another name`,
      });
    }
    seen.add(s.name);
    if (!hostNames.includes(s.host)) out.push(unknown([...at, 'host'], 'host', s.host, hostNames));
    const portNames = s.ports.map((p) => p.name);
    for (const [key, ref] of [
      ['health', s.health?.port],
      ['metrics', s.metrics?.port],
    ] as const) {
      if (ref !== undefined && !portNames.includes(ref))
        out.push({
          code: 'own/unknown-port',
          path: [...at, key, 'port'],
          message: `services[${i}].${key}.port "${ref}" names none of its ports (${portNames.join(', ')})`,
          hint: 'use the name of one of its ports',
        });
    }
    (s.consumers ?? []).forEach((c, j) => {
      out.push(...endpointFindings(c, [...at, 'consumers', j], site));
      if (c !== 'tailnet' && 'vlan' in c && !s.why)
        out.push({
          code: 'own/vlan-wide-consumer',
          path: [...at, 'consumers', j],
          message: `services[${i}] "${s.name}" opens to every device on VLAN ${c.vlan} without a reason`,
          hint: 'name the hosts or roles that need it, or add `why:` saying why the whole VLAN does',
        });
    });
  });
  (spec.flows ?? []).forEach((f, i) => {
    const at: Path = ['flows', i];
    out.push(
      ...endpointFindings(f.from, [...at, 'from'], site),
      ...endpointFindings(f.to, [...at, 'to'], site),
    );
    if (f.protocol !== 'icmp' && !f.ports?.length)
      out.push({
        code: 'own/flow-ports',
        path: [...at, 'protocol'],
        message: `flows[${i}] is ${f.protocol} but names no ports`,
        hint: 'add ports: [ ... ]; a flow never opens every port',
      });
    if (f.protocol === 'icmp' && f.ports?.length)
      out.push({
        code: 'own/flow-ports',
        path: [...at, 'ports'],
        message: `flows[${i}] is icmp, which has no ports`,
        hint: 'remove ports, or use tcp or udp',
      });
  });
  return out;
}
