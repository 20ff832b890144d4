// Rules over addressing: supernet, VLAN ids and subnets, explicit addresses, MACs.

import { hostRequests } from '../../site/hosts.ts';
import { containsNet, formatNet, isPrivate, overlaps, parseCidr, prefixFor } from '../../site/ipam.ts';
import { LockBook } from '../../site/lock.ts';
import { resolveVlans } from '../../site/vlans.ts';
import { pathText } from '../locate.ts';
import type { Finding, RuleContext } from './rule.ts';

export function supernetRule({ spec }: RuleContext): Finding[] {
  const text = spec.network?.supernet ?? '10.20.0.0/16';
  const net = parseCidr(text);
  const path = ['network', 'supernet'];
  if (!net) {
    return [
      {
        code: 'net/supernet-invalid',
        path,
        message: `network.supernet "${text}" is not a network address (host bits set?)`,
        hint: 'use the network address, e.g. 10.20.0.0/16',
      },
    ];
  }
  if (!isPrivate(net)) {
    return [
      {
        code: 'net/supernet-public',
        path,
        message: `network.supernet "${text}" is not a private range`,
        hint: 'use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      },
    ];
  }
  if (net.prefix > 24) {
    return [
      {
        code: 'net/supernet-small',
        path,
        message: `network.supernet "${text}" is smaller than a /24`,
        hint: 'use at least a /22 so every VLAN gets a /24; a /16 is typical',
      },
    ];
  }
  return [];
}

export function vlanRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const vlans = spec.network?.vlans ?? [];
  const supernet = parseCidr(spec.network?.supernet ?? '10.20.0.0/16');
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

/** A subnet the user sized must hold the hosts the site puts in it; an explicit address must be in its VLAN. */
export function capacityAndAddressRules({ spec }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const vlans = spec.network?.vlans ?? [];
  const supernet = parseCidr(spec.network?.supernet ?? '10.20.0.0/16');
  if (!supernet || vlans.some((v) => v.cidr && !parseCidr(v.cidr))) return out;
  // Subnets as resolve carves them (without a lock, which only pins what was carved before).
  const resolved = resolveVlans(vlans, supernet, new LockBook(undefined)).map((v) => ({
    ...v,
    net: parseCidr(v.cidr)!,
  }));
  const hosts = hostRequests(spec, resolved);
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
