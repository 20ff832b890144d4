// Merges flow rules that differ only in their destination hosts into one rule over one address set.
import type { EndpointResolver } from './endpoints.ts';
import { setName } from './names.ts';
import type { PolicyRule } from './types.ts';

/** Everything but the destination addresses: rules with the same key pass the same traffic to different hosts. */
function key(r: PolicyRule): string {
  return [
    r.from,
    r.fromAddrs ?? '*',
    r.to,
    r.protocol,
    r.ports.join(','),
    r.icmpType ?? '',
    r.action,
    r.log,
  ].join('|');
}

/**
 * Prometheus scraping fifteen hosts becomes one rule over a set of fifteen addresses, not fifteen rules. Only
 * pass rules of flows that name destination hosts are merged; a zone's flow rules are all passes ahead of its
 * default deny, so merging never changes what passes. Order: each merged rule sits where its first member was.
 */
export function mergeDestinations(rules: readonly PolicyRule[], resolver: EndpointResolver): PolicyRule[] {
  const groups = new Map<string, PolicyRule[]>();
  for (const r of rules) {
    const k = r.origin === 'flow' && r.action === 'pass' && r.toAddrs ? key(r) : `single:${r.id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: PolicyRule[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length === 1) {
      out.push(first);
      continue;
    }
    const services = [...new Set(group.map((r) => r.service ?? 'flow'))].sort();
    const members = group.flatMap((r) => resolver.sets.get(r.toAddrs!)!.addresses);
    const set = resolver.uniqueSet(
      setName('dst', ...services, first.to),
      first.to,
      members,
      `${services.join(', ')} in ${first.to}`,
    );
    const whys = [...new Set(group.map((r) => r.why))];
    const ports = first.ports.length > 0 ? `:${first.ports.join(',')}` : '';
    out.push({
      ...first,
      id: `flow/${services.join('+')}/${first.from}->${first.to}/${first.fromAddrs ?? 'any'}/${set.name}/${first.protocol}${ports}`,
      toAddrs: set.name,
      why: whys.join('; '),
      flowIds: group.flatMap((r) => r.flowIds ?? (r.flowId ? [r.flowId] : [])),
      service: services.join('+'),
    });
  }
  return out;
}
