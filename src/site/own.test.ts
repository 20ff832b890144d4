// The user's own devices, services and flows: they reach the catalog, the policy, DNS and DHCP, and bad ones are located.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../kernel/diagnostic.ts';
import { resolveSite } from '../layers/index.ts';
import { networkModel } from '../layers/network/model.ts';
import { parseSiteSpec } from '../project/spec.ts';
import { tierDefaults } from '../spec/tiers.ts';
import { toYaml } from '../tree/serialize/index.ts';

const OWN = `devices:
  - name: nas
    vlan: servers
    mac: "00:11:32:aa:bb:cc"
    description: Synology DS923+
  - name: printer
    vlan: mgmt
    address: 10.20.10.80
services:
  - name: minecraft
    host: apps
    description: Minecraft server for the kids
    ports: [{ name: game, port: 25565 }]
    consumers: [{ role: k3s }, tailnet]
    health: { port: game }
    dns: true
  - name: smb
    host: nas
    description: SMB shares of the NAS
    ports: [{ name: smb, port: 445 }]
    consumers: [{ vlan: devops }]
    why: every build agent reads the artifact share
flows:
  - from: { host: nas }
    to: { host: printer }
    protocol: tcp
    ports: [9100]
    why: the NAS prints its backup reports
`;

/** The reference build written out, plus the own things; one line per key so rows can point at lines. */
const text = `${toYaml(tierDefaults('reference'))}${OWN}`;

describe('own devices, services and flows', () => {
  const parsed = parseSiteSpec(text);
  it('parse without errors', () => {
    expect(parsed.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  });
  const { site } = resolveSite(parsed.spec!);
  const { policy, addressing } = networkModel(site);

  it('devices are unmanaged appliances at their VLAN address, with a fixed lease for a MAC', () => {
    const nas = site.hosts.find((h) => h.name === 'nas')!;
    expect(nas).toMatchObject({ kind: 'appliance', os: 'other', roles: ['device'], vlan: 'servers' });
    expect(nas.address.startsWith('10.20.20.')).toBe(true);
    expect(site.hosts.find((h) => h.name === 'printer')!.address).toBe('10.20.10.80');
    expect(addressing.mappings.find((m) => m.mac === '00:11:32:aa:bb:cc')).toMatchObject({
      address: nas.address,
    });
  });

  it('services join the catalog: consumers become flows, dns: true a DNS name', () => {
    const mc = site.services.find((s) => s.name === 'minecraft')!;
    expect(mc).toMatchObject({ kind: 'own', hosts: ['apps'], fqdn: 'minecraft.lab.example.com' });
    expect(site.flows.filter((f) => f.service === 'minecraft').map((f) => f.from.kind)).toEqual([
      'role',
      'tailnet',
    ]);
    expect(addressing.records.some((r) => r.name === 'minecraft')).toBe(true);
    const smb = site.flows.find((f) => f.service === 'smb')!;
    expect(smb.from).toEqual({
      kind: 'vlan',
      vlan: 'devops',
      because: 'every build agent reads the artifact share',
    });
  });

  it('the policy opens exactly those ports: the flow from the NAS to the printer, the game from k3s', () => {
    const pass = policy.rules.filter((r) => r.action === 'pass' && r.origin === 'flow');
    const printing = pass.filter((r) => r.ports.includes(9100) && r.from === 'servers' && r.to === 'mgmt');
    expect(printing.map((r) => r.why).join('; ')).toContain('the NAS prints its backup reports');
    const game = pass.filter((r) => r.ports.includes(25565));
    expect(game.map((r) => `${r.from}->${r.to}`)).toEqual(['devops->servers']);
    expect(game[0]!.fromAddrs).toBeDefined();
  });
});

describe('own entries that are wrong are located', () => {
  it.each([
    [
      'a device on an unknown VLAN',
      OWN.replace('vlan: servers', 'vlan: severs'),
      'own/unknown-name',
      'VLAN "severs"',
      'vlan: severs',
    ],
    [
      'a service on an unknown host',
      OWN.replace('host: apps', 'host: app'),
      'own/unknown-name',
      'host "app"',
      'host: app',
    ],
    [
      'a service named like a catalog one',
      OWN.replace('name: minecraft', 'name: grafana'),
      'own/duplicate-service',
      'already a service',
      'name: grafana',
    ],
    [
      'a health port that is not one of its ports',
      OWN.replace('health: { port: game }', 'health: { port: http }'),
      'own/unknown-port',
      'names none of its ports',
      'health: { port: http }',
    ],
    [
      'a whole-VLAN consumer without a reason',
      OWN.replace('    why: every build agent reads the artifact share\n', ''),
      'own/vlan-wide-consumer',
      'without a reason',
      'consumers: [{ vlan: devops }]',
    ],
    [
      'an unknown role',
      OWN.replace('{ role: k3s }', '{ role: k8s }'),
      'own/unknown-name',
      'role "k8s"',
      '{ role: k8s }',
    ],
    [
      'a tcp flow without ports',
      OWN.replace('    ports: [9100]\n', ''),
      'own/flow-ports',
      'names no ports',
      'protocol: tcp',
    ],
    [
      'a flow to an unknown host',
      OWN.replace('to: { host: printer }', 'to: { host: printr }'),
      'own/unknown-name',
      'host "printr"',
      'to: { host: printr }',
    ],
  ])('%s', (_what, own, code, fragment, lineText) => {
    const bad = `${toYaml(tierDefaults('reference'))}${own}`;
    const hit = parseSiteSpec(bad).diagnostics.find((d) => d.code === code && d.message.includes(fragment));
    expect(hit, `${code} "${fragment}"`).toBeDefined();
    const base = toYaml(tierDefaults('reference')).split('\n').length - 1;
    const line = own.split('\n').findIndex((l) => l.includes(lineText)) + 1 + base;
    expect(hit!.location?.line).toBe(line);
    expect(hit!.severity).toBe('error');
  });

  it('free text that reaches the firewall is one line: a newline in why: is a located schema error', () => {
    const bad = `${toYaml(tierDefaults('reference'))}${OWN.replace('why: the NAS prints its backup reports', 'why: "prints\\nrm -rf /"')}`;
    const hit = parseSiteSpec(bad).diagnostics.find((d) => d.message.includes('must be one line'));
    expect(hit?.severity).toBe('error');
    expect(hit?.location?.line).toBe(bad.split('\n').findIndex((l) => l.includes('why: "prints')) + 1);
  });

  it('resolve itself refuses a device on an unknown VLAN as a user error, not a crash', () => {
    const spec = structuredClone(tierDefaults('reference'));
    spec.devices = [{ name: 'nas', vlan: 'nowhere' }];
    expect(() => resolveSite(spec)).toThrow(/host nas is on VLAN nowhere, which network.vlans does not have/);
  });

  it('the unknown-name hint suggests the closest name', () => {
    const bad = `${toYaml(tierDefaults('reference'))}${OWN.replace('host: apps', 'host: app')}`;
    expect(parseSiteSpec(bad).diagnostics.find((d) => d.code === 'own/unknown-name')!.hint).toBe(
      'did you mean `apps`?',
    );
  });
});
