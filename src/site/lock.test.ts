// The lock never loses silently: conflicting values are found, moved values are listed, interface slots stay put.
import { describe, expect, it } from 'vitest';
import { resolveSite } from '../layers/index.ts';
import { networkModel } from '../layers/network/model.ts';
import { assignInterfaces } from '../layers/network/pf/assign.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { emptyLock, type Lock, lockConflicts } from './lock.ts';

const reference = () => resolveSite(tierDefaults('reference'));

describe('lockConflicts', () => {
  const base = (): Lock => ({
    ...emptyLock(),
    subnets: { 'vlan/a': '10.20.10.0/24', 'vlan/b': '10.20.20.0/24' },
    addresses: { 'host/a': '10.20.10.5', 'host/b': '10.20.10.6', 'vip/x': '10.20.10.2' },
    vmids: { 'vm/a': 100, 'vm/b': 101 },
    macs: { 'vm/a': 'bc:24:11:00:00:01', 'vm/b': 'bc:24:11:00:00:02' },
    interfaces: { 'vlan/b': 1, 'vlan/c': 2 },
    placements: { 'vm/a': 'pve1', 'vm/b': 'pve1' },
  });

  it('finds nothing in a consistent lock (placements may repeat: many VMs share a node)', () => {
    expect(lockConflicts(base())).toEqual([]);
    expect(lockConflicts(reference().lock)).toEqual([]);
  });

  it.each([
    [
      'an address held by two hosts',
      (l: Lock): void => {
        l.addresses['host/b'] = '10.20.10.5';
      },
      'addresses: host/a and host/b both hold 10.20.10.5',
    ],
    [
      'a host and a VIP on one address',
      (l: Lock): void => {
        l.addresses['vip/x'] = '10.20.10.6';
      },
      'addresses: host/b and vip/x both hold 10.20.10.6',
    ],
    [
      'one VM id for two VMs',
      (l: Lock): void => {
        l.vmids['vm/b'] = 100;
      },
      'vmids: vm/a and vm/b both hold 100',
    ],
    [
      'one MAC for two VMs',
      (l: Lock): void => {
        l.macs['vm/b'] = 'bc:24:11:00:00:01';
      },
      'macs: vm/a and vm/b both hold bc:24:11:00:00:01',
    ],
    [
      'one subnet for two VLANs',
      (l: Lock): void => {
        l.subnets['vlan/b'] = '10.20.10.0/24';
      },
      'subnets: vlan/a and vlan/b both hold 10.20.10.0/24',
    ],
    [
      'one interface slot for two VLANs',
      (l: Lock): void => {
        l.interfaces['vlan/c'] = 1;
      },
      'interfaces: vlan/b and vlan/c both hold 1',
    ],
  ] as const)('reports %s', (_what, damage, expected) => {
    const lock = base();
    damage(lock);
    expect(lockConflicts(lock)).toEqual([expected]);
  });
});

describe('lock changes', () => {
  it('lists every locked value that resolve moved, and nothing when the lock fits', () => {
    const first = reference();
    expect(resolveSite(tierDefaults('reference'), first.lock).lockChanges).toEqual([]);
    const damaged = structuredClone(first.lock);
    damaged.addresses['host/apps'] = '10.99.0.5'; // outside every VLAN
    damaged.vmids['vm/monitor'] = damaged.vmids['vm/apps']!; // a duplicate: the second key loses
    const { lockChanges, lock } = resolveSite(tierDefaults('reference'), damaged);
    expect(lockChanges.map((c) => `${c.table} ${c.key} ${c.from}`)).toEqual([
      'addresses host/apps 10.99.0.5',
      `vmids vm/monitor ${first.lock.vmids['vm/apps']}`,
    ]);
    expect(lockConflicts(lock)).toEqual([]);
  });
});

describe('interface slots', () => {
  const keysOf = (site: ReturnType<typeof reference>['site']) =>
    Object.fromEntries(
      assignInterfaces(networkModel(site).policy, 'igc0', (t) => `vlan0.${t}`).map((a) => [
        a.zone.name,
        a.key,
      ]),
    );

  it('numbers VLANs opt1.. in list order on a fresh lock, management is lan', () => {
    const { site, lock } = reference();
    expect(keysOf(site)).toEqual({
      wan: 'wan',
      mgmt: 'lan',
      servers: 'opt1',
      devops: 'opt2',
      ai: 'opt3',
      security: 'opt4',
    });
    expect(lock.interfaces).toEqual({
      'vlan/ai': 3,
      'vlan/devops': 2,
      'vlan/security': 4,
      'vlan/servers': 1,
    });
  });

  it('removing or inserting a VLAN renumbers no other, and a removed slot is not reused at once', () => {
    const first = reference();
    const spec = structuredClone(tierDefaults('reference'));
    spec.network!.vlans = spec.network!.vlans!.filter((v) => v.name !== 'devops');
    spec.network!.vlans!.splice(1, 0, { name: 'guests', id: 50, purpose: 'clients' });
    const { site } = resolveSite(spec, first.lock);
    expect(keysOf(site)).toEqual({
      wan: 'wan',
      mgmt: 'lan',
      guests: 'opt5',
      servers: 'opt1',
      ai: 'opt3',
      security: 'opt4',
    });
  });
});
