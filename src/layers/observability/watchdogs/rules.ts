// Rules over beelab.yaml `watchdogs` that need the Site: a watchdog must be able to reach what it watches (by
// ping through the firewall policy, and its relay device), must watch machines (a VM has no power of its own),
// and one machine is power-cycled by one relay only: two watchdogs cutting its power independently would each
// take the other's cycle for a new failure.
import { contains, parseCidr } from '../../../net/ipam.ts';
import { endpointCovers } from '../../../site/flows.ts';
import type { Host, Site } from '../../../site/types.ts';
import type { Finding, RuleContext } from '../../../spec/rules/rule.ts';
import type { Spec } from '../../../spec/schema.ts';

type WatchdogSpec = NonNullable<Spec['watchdogs']>[number];

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The power path a watchdog switches: a GPIO relay or a command is its Pi's own, a plug or KVM a device. */
function relayOf(w: WatchdogSpec): string {
  return w.relay === 'gpio' || w.relay === 'command' || !w.relayHost
    ? `the ${w.relay} relay of ${w.name}`
    : `${w.relay} ${w.relayHost}`;
}

/**
 * Each host once in a watchdog's list, and in one watchdog's only: two watchdogs would each take the other's
 * power cycle for a new failure (through different relays even cut power twice at once).
 */
function relayFindings(watchdogs: readonly WatchdogSpec[]): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, { i: number; name: string; relay: string }>();
  watchdogs.forEach((w, i) => {
    const relay = relayOf(w);
    const own = new Set<string>();
    w.targets.forEach((t, j) => {
      const path = ['watchdogs', i, 'targets', j];
      if (own.has(t)) {
        out.push({
          code: 'watchdog/duplicate-target',
          path,
          message: `watchdogs[${i}] "${w.name}" lists ${t} twice`,
          hint: 'list each machine once',
        });
        return;
      }
      own.add(t);
      const prev = first.get(t);
      if (!prev) {
        first.set(t, { i, name: w.name, relay });
        return;
      }
      const hint = `let one watchdog watch ${t}: remove it from the targets of "${w.name}" or of "${prev.name}"`;
      out.push(
        prev.relay === relay
          ? {
              code: 'watchdog/shared-target',
              path,
              message: `watchdogs[${i}] "${w.name}" and watchdogs[${prev.i}] "${prev.name}" would both power-cycle ${t} through ${relay}: each would take the other's cycle for a new failure`,
              hint,
            }
          : {
              code: 'watchdog/two-relays',
              path,
              message: `watchdogs[${i}] "${w.name}" would power-cycle ${t} through ${relay}, but watchdogs[${prev.i}] "${prev.name}" already does through ${prev.relay}: two relays would cut its power independently, each taking the other's cycle for a new failure`,
              hint,
            },
      );
    });
  });
  return out;
}

/** Whether the firewall lets `pi` ping `target`: same VLAN, the management VLAN (which reaches all), or a flow. */
function pings(site: Site, pi: Host, target: Host): boolean {
  if (pi.vlan === target.vlan) return true;
  if (site.vlans.find((v) => v.name === pi.vlan)?.purpose === 'management') return true;
  return site.flows.some(
    (f) =>
      f.protocol === 'icmp' &&
      endpointCovers(f.from, pi) &&
      f.to.kind !== 'vip' &&
      endpointCovers(f.to, target),
  );
}

/** What each watchdog watches and switches, against the resolved Site. */
function reachFindings(site: Site, watchdogs: readonly WatchdogSpec[]): Finding[] {
  const out: Finding[] = [];
  const byName = new Map(site.hosts.map((h) => [h.name, h]));
  const supernet = parseCidr(site.supernet);
  watchdogs.forEach((w, i) => {
    const pi = byName.get(w.name);
    if (!pi) return;
    w.targets.forEach((t, j) => {
      const host = byName.get(t);
      if (!host || t === w.name) return; // unknown or self: the spec rules say so
      const path = ['watchdogs', i, 'targets', j];
      if (t === w.relayHost) {
        out.push({
          code: 'watchdog/relay-target',
          path,
          message: `watchdogs[${i}] "${w.name}" would power-cycle ${t}, the ${w.relay} that switches its power: once off, nothing could switch it back on`,
          hint: `remove ${t} from the targets; let another watchdog (with its own relay) watch it`,
        });
        return;
      }
      if (host.vm) {
        out.push({
          code: 'watchdog/vm-target',
          path,
          message: `watchdogs[${i}] "${w.name}" cannot power-cycle ${t}: it is a VM on ${host.vm.node}, with no power of its own to cut`,
          hint: `watch its node ${host.vm.node} instead; a hung VM is Proxmox VE's to restart (HA)`,
        });
        return;
      }
      if (!pings(site, pi, host)) {
        out.push({
          code: 'watchdog/unreachable-target',
          path,
          message: `watchdogs[${i}] "${w.name}" on VLAN ${pi.vlan} cannot reach ${t} on VLAN ${host.vlan}: the firewall passes no ping from it, so it would see ${t} down and cycle a healthy machine`,
          hint: `put the watchdog on the management VLAN (it reaches every VLAN), or add a flow { from: { host: ${w.name} }, to: { host: ${t} }, protocol: icmp, why: watchdog }`,
        });
      }
    });
    const relay = w.relayHost;
    if (relay && IPV4.test(relay) && !byName.has(relay)) {
      const vlan = site.vlans.find((v) => {
        const net = parseCidr(v.cidr);
        return net !== undefined && contains(net, relay);
      });
      if (vlan) return;
      const inside = supernet !== undefined && contains(supernet, relay);
      out.push({
        code: 'watchdog/unreachable-relay',
        path: ['watchdogs', i, 'relayHost'],
        severity: inside ? 'error' : 'warning',
        message: inside
          ? `watchdogs[${i}].relayHost ${relay} is inside ${site.supernet} but in none of its VLANs: "${w.name}" cannot reach its ${w.relay}`
          : `watchdogs[${i}].relayHost ${relay} is outside the site (${site.supernet}): "${w.name}" reaches its ${w.relay} only through the firewall, so it cannot cut power while the firewall is down`,
        hint: `give the ${w.relay} an address on the VLAN of "${w.name}" (${pi.vlan}), or name it (relayHost: plug-${w.name}) to have one allocated there`,
      });
    }
  });
  return out;
}

/** The observability layer's spec rules over `watchdogs` (SiteContribution.rules), located in beelab.yaml. */
export function watchdogRules(ctx: RuleContext, site: Site): Finding[] {
  const watchdogs = ctx.spec.watchdogs ?? [];
  if (watchdogs.length === 0) return [];
  return [...relayFindings(watchdogs), ...reachFindings(site, watchdogs)];
}
