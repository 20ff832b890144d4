// Planning lab machines without root: which hosts boot and why the others do not, where they live, apt sources, the cache key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needTool } from '../../../test/support/tools.ts';
import { UserError } from '../../errors.ts';
import { renderLinuxRouter } from '../../layers/network/linux/render.ts';
import { loadProject } from '../../project/load.ts';
import { labListeners, listenersByNamespace } from '../listeners.ts';
import { planLab } from '../plan.ts';
import { planProbes } from '../probes.ts';
import { nspawnArgv } from './boot.ts';
import { checkPublicKeys } from './keys.ts';
import { parseAptSources, pickMirror, ROOT_PACKAGES, rootKey } from './root.ts';
import { parseMachineRequest, selectMachines } from './select.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
/** A UserError's message and detail lines; fails when `fn` does not throw one. */
function errText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return [(e as UserError).message, ...(e as UserError).details].join('\n');
  }
  throw new Error('expected a UserError');
}

const load = async (name: string) => (await loadProject(`${repo}examples/${name}`)).site;

describe('machine selection', () => {
  it('--machines all boots every Debian VM or server and nothing else; the firewall is the router', async () => {
    const site = await load('compact');
    const { machines, stubs } = selectMachines(site, 'all');
    expect(machines.map((h) => h.name)).toEqual(['apps', 'monitor']);
    const why = new Map(stubs.map((s) => [s.host, s]));
    // the k3s VMs run Ubuntu 24.04: the lab's root is Debian, so they stay network stubs
    expect(why.get('k3s-s1')!.what).toMatch(/Ubuntu/);
    expect(why.get('pve1')!.what).toBe('Proxmox VE (physical)');
    expect(why.get('talos-cp1')!.why).toMatch(/Talos/);
    expect(why.get('plug-pve')!.why).toMatch(/smart plug/);
    expect(why.get('ai-head')!.why).toMatch(/macOS/);
    expect(why.get('wd1')!.what).toMatch(/Raspberry Pi OS/);
    expect(why.get('backup')!.what).toMatch(/Proxmox Backup Server/);
    expect(why.has('fw')).toBe(false);
    // Every host but the firewall is either a machine or a stub with a reason.
    expect(machines.length + stubs.length).toBe(site.hosts.length - 1);
  });

  it('the single build: a Debian firewall VM stays the lab router, not a machine', async () => {
    const site = await load('single');
    expect(site.hosts.find((h) => h.name === 'fw')!.os).toBe('debian');
    expect(selectMachines(site, 'all').machines.map((h) => h.name)).toEqual(['apps', 'monitor']);
    expect(errText(() => selectMachines(site, ['fw']))).toMatch(
      /fw: Debian \(vm\) cannot run as a lab machine: the firewall/,
    );
  });

  it('names every host it cannot boot at once: unknown, and not emulable', async () => {
    const site = await load('compact');
    const text = errText(() => selectMachines(site, ['apps', 'nope', 'pve1']));
    expect(text).toMatch(/^--machines names hosts the lab cannot boot/);
    expect(text).toMatch(/nope: no such host in beelab \(Debian hosts: apps, monitor\)/);
    expect(text).toMatch(/pve1: Proxmox VE \(physical\) cannot run as a lab machine: a hypervisor/);
    expect(text).not.toMatch(/apps:/);
  });

  it('parses the option: flag alone or all, a list, nothing', () => {
    expect(parseMachineRequest(true)).toBe('all');
    expect(parseMachineRequest('all')).toBe('all');
    expect(parseMachineRequest('apps, k3s-s1')).toEqual(['apps', 'k3s-s1']);
    expect(parseMachineRequest(undefined)).toBeUndefined();
    expect(() => parseMachineRequest(',')).toThrow(UserError);
  });
});

describe('machine plan', () => {
  it('a machine takes its address off the VLAN namespace into its own, on the VLAN bridge, routed only to the gateway', async () => {
    const site = await load('compact');
    const router = renderLinuxRouter(site);
    const hosts = selectMachines(site, ['apps', 'monitor']).machines;
    const plan = planLab(site, router, 'abc123', 'veth', hosts);
    expect(plan.machines.map((m) => [m.host, m.netns, m.address])).toEqual([
      ['apps', 'bllab-abc123-m1', '10.20.20.13'],
      ['monitor', 'bllab-abc123-m2', '10.20.20.14'],
    ]);
    for (const m of plan.machines) {
      expect(plan.namespaces).toContain(m.netns);
      const v = plan.vlans.find((x) => x.zone === m.zone)!;
      const vlanLines = plan.config.find((b) => b.netns === v.netns)!.lines;
      // Answered once: by the machine, not by its VLAN's namespace.
      expect(vlanLines).not.toContain(`addr add ${m.address}/${v.prefix} dev eth0`);
      expect(v.members.find((x) => x.address === m.address)!.machine).toBe(m.netns);
      const own = plan.config.find((b) => b.netns === m.netns)!.lines;
      expect(own).toContain(`addr add ${m.address}/${v.prefix} dev eth0`);
      expect(own.filter((l) => l.startsWith('route '))).toEqual([`route add default via ${v.gateway}`]);
      const link = plan.links.flatMap((b) => b.lines).find((l) => l.includes(`netns ${m.netns}`))!;
      expect(link).toBe(`link add name ${m.port} type veth peer name eth0 netns ${m.netns}`);
      expect(plan.links.find((b) => b.lines.includes(link))!.netns).toBe(plan.names.switch);
      expect(plan.config.find((b) => b.netns === plan.names.switch)!.lines).toContain(
        `link set ${m.port} master br${m.tag}`,
      );
    }
    // Without machines the plan is today's.
    const none = planLab(site, router, 'abc123', 'veth');
    expect(none.machines).toEqual([]);
    expect(none.namespaces.some((n) => /-m\d+$/.test(n))).toBe(false);
  });

  it("agents: the machine's own namespace serves only its UDP ports (it answers TCP itself), probes from it start there", async () => {
    const site = await load('compact');
    const router = renderLinuxRouter(site);
    const plan = planLab(site, router, 'abc123', 'veth', selectMachines(site, ['monitor']).machines);
    const listeners = labListeners(site, router, plan.vlans);
    const byNs = listenersByNamespace(plan.vlans, plan.names, listeners);
    const m = plan.machines[0]!;
    const v = plan.vlans.find((x) => x.zone === m.zone)!;
    expect(byNs.get(m.netns)!.every((l) => l.address === m.address && l.proto === 'udp')).toBe(true);
    // ... while the VLAN's agent still serves the TCP ports of the hosts that are not machines.
    expect(byNs.get(v.netns)!.some((l) => l.proto === 'tcp')).toBe(true);
    expect(byNs.get(v.netns)!.some((l) => l.address === m.address)).toBe(false);
    // Prometheus on monitor is a policy source: its probes run from the machine's namespace.
    const probes = planProbes(plan, router, listeners).filter((p) => p.src === m.address);
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes.map((p) => p.netns))).toEqual(new Set([m.netns]));
  });

  it('boots with nspawn unregistered, in its own namespace, with nothing taken from the host', () => {
    const argv = nspawnArgv(
      {
        host: 'apps',
        fqdn: 'apps.x',
        zone: 'servers',
        tag: 20,
        address: '10.0.0.2',
        prefix: 24,
        gateway: '10.0.0.1',
        netns: 'bllab-abc123-m1',
        machine: 'bllab-abc123-m1',
        port: 'm1',
        mac: '02:be:e2:00:00:01',
      },
      '/run/beelab-lab/abc123/machines/m1/merged',
    );
    expect(argv).toEqual(
      expect.arrayContaining([
        '--register=no',
        '--keep-unit',
        '--boot',
        '--network-namespace-path=/run/netns/bllab-abc123-m1',
        '--link-journal=no',
        '--resolv-conf=off',
        '--settings=no',
      ]),
    );
  });
});

describe('shared root', () => {
  it('reads one-line and deb822 sources, skips disabled ones, and picks the suite main mirror over security', () => {
    const list = parseAptSources(
      '/etc/apt/sources.list',
      '# comment\ndeb [signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb-src http://x/debian bookworm main\n',
    );
    expect(list).toEqual([
      {
        uri: 'http://mirror.example/debian',
        suites: ['bookworm'],
        components: ['main', 'contrib'],
        keyring: '/k.gpg',
        file: '/etc/apt/sources.list',
      },
    ]);
    const deb822 = parseAptSources(
      '/etc/apt/sources.list.d/debian.sources',
      [
        'Types: deb',
        'URIs: http://deb.debian.org/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
        'Types: deb deb-src',
        '# a comment',
        'URIs: http://deb.debian.org/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'Enabled: no',
        'URIs: http://off.example/debian',
        'Suites: bookworm',
        'Components: main',
      ].join('\n'),
    );
    expect(deb822.map((s) => s.uri)).toEqual([
      'http://deb.debian.org/debian-security',
      'http://deb.debian.org/debian',
    ]);
    const pick = pickMirror(deb822)!;
    expect(pick.uri).toBe('http://deb.debian.org/debian');
    expect(pick.keyring).toBe('/usr/share/keyrings/debian-archive-keyring.gpg');
    expect(pickMirror(parseAptSources('/x.list', 'deb http://d/ubuntu jammy universe\n'))).toBeUndefined();
  });

  it('the cache key follows the package list, not its order', () => {
    expect(rootKey([...ROOT_PACKAGES].reverse())).toBe(rootKey());
    expect(rootKey([...ROOT_PACKAGES, 'vim'])).not.toBe(rootKey());
    expect(rootKey()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('an admin key that ssh-keygen does not accept is a clear error naming it', async () => {
    if (!needTool('ssh-keygen', 'apt-get install openssh-client')) return;
    const scratch = mkdtempSync(join(tmpdir(), 'beelab-keys-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(scratch, 'k')]);
    await checkPublicKeys([readFileSync(join(scratch, 'k.pub'), 'utf8').trim()], scratch);
    await expect(
      checkPublicKeys(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAbroken you@laptop'], scratch),
    ).rejects.toThrow(/admin SSH key that is not a valid public key/);
    try {
      await checkPublicKeys(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAbroken you@laptop'], scratch);
    } catch (e) {
      expect((e as UserError).details[0]).toMatch(/site\.admin\.sshKeys\[0\] "ssh-ed25519 AAAA/);
    }
    rmSync(scratch, { recursive: true, force: true });
  });
});
