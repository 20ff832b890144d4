// The linux backend: real tools accept its files, and its ruleset parses back into exactly the policy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureSite } from '../../../../test/support/network-fixture.ts';
import { isRoot, requireTool } from '../../../../test/support/tools.ts';
import { nftCheckArgv } from '../../../check/validators/nft.ts';
import { loadProject } from '../../../project/load.ts';
import { parseNftables } from '../equivalence/nftables.ts';
import { canonicalOrder, diffTuples, policyTuples } from '../equivalence/tuples.ts';
import { LINUX_FILES, renderLinux, renderLinuxRouter } from './render.ts';

const dir = mkdtempSync(join(tmpdir(), 'beelab-linux-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { status: number; stderr: string; stdout: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

function nftCheck(text: string): { code: number; out: string } {
  const file = join(dir, `r${Math.random().toString(36).slice(2)}.nft`);
  writeFileSync(file, text);
  const { command, args } = nftCheckArgv(file, isRoot());
  return run(command ?? 'nft', args);
}

const site = fixtureSite();
const router = renderLinuxRouter(site);

describe('linux backend', () => {
  it('renders the same bytes twice', () => {
    const a = renderLinux(site).entries();
    const b = renderLinux(fixtureSite()).entries();
    expect(a.map(([p, f]) => [p, f.content])).toEqual(b.map(([p, f]) => [p, f.content]));
    expect(a.map(([p]) => p)).toContain(LINUX_FILES.nftables);
  });

  it('nft -c -f accepts the ruleset, and rejects a broken one', (ctx) => {
    requireTool(ctx, 'nft', 'apt-get install nftables');
    const ok = nftCheck(router.nftables);
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);
    const bad = nftCheck(router.nftables.replace('tcp dport 9100', 'tcp dport nine'));
    expect(bad.code).not.toBe(0);
  });

  it('dnsmasq --test accepts the config, and rejects a broken one', (ctx) => {
    requireTool(ctx, 'dnsmasq', 'apt-get install dnsmasq');
    const file = join(dir, 'dnsmasq.conf');
    writeFileSync(file, router.dnsmasq);
    const ok = run('dnsmasq', ['--test', `--conf-file=${file}`]);
    expect(ok.code).toBe(0);
    writeFileSync(file, `${router.dnsmasq}dhcp-range=set:x,not-an-address\n`);
    expect(run('dnsmasq', ['--test', `--conf-file=${file}`]).code).not.toBe(0);
  });

  it('serves DHCP per VLAN, a fixed lease per MAC and a name per host and service', () => {
    const conf = router.dnsmasq;
    for (const s of router.addressing.scopes)
      expect(conf).toContain(`dhcp-range=set:${s.zone},${s.range[0]},${s.range[1]},`);
    for (const m of router.addressing.mappings)
      expect(conf).toContain(`dhcp-host=${m.mac},${m.address},${m.hostname}`);
    for (const r of router.addressing.records)
      expect(conf).toMatch(new RegExp(`(host-record|cname)=${r.name}\\.${r.domain},`));
    expect(conf).toContain('except-interface=igc0');
  });

  it('the parsed ruleset equals the policy, tuple for tuple', () => {
    const expected = canonicalOrder(policyTuples(router.policy));
    const actual = parseNftables(router.nftables, router.ifs);
    expect(diffTuples(expected, actual)).toEqual([]);
    expect(actual).toEqual(expected);
  });

  it('the round trip catches a dropped rule, a changed port and a widened source', () => {
    const expected = canonicalOrder(policyTuples(router.policy));
    const mutate = (from: RegExp, to: string) => parseNftables(router.nftables.replace(from, to), router.ifs);
    expect(diffTuples(expected, mutate(/\n.*egress\/clients.*\n/, '\n'))).not.toEqual([]);
    expect(
      diffTuples(expected, mutate(/tcp dport \{ 1514, 1515 \}/, 'tcp dport { 1514, 1516 }')),
    ).not.toEqual([]);
    expect(diffTuples(expected, mutate(/ip saddr @role_prometheus /, ''))).not.toEqual([]);
    expect(() => mutate(/tcp dport 9100/, 'tcp sport 9100')).toThrow(/cannot read/);
  });

  it('systemd-networkd: a VLAN netdev on the trunk per VLAN, the gateway address on it', () => {
    const units = router.networkd;
    const mgmt = site.vlans[0]!;
    expect(units.get('30-vlan10.netdev')).toContain('Id=10');
    expect(units.get('30-vlan10.network')).toContain(`Address=${mgmt.gateway}/${mgmt.prefix}`);
    expect(units.get('20-igc1.network')).toContain('VLAN=vlan10');
    expect(units.get('10-igc0.network')).toContain('DHCP=ipv4');
  });
});

describe('linux backend on every example', () => {
  const root = new URL('../../../../examples/', import.meta.url).pathname;
  const names = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.for(names)(
    '%s: the tools accept the files and the ruleset parses back to the policy',
    async (name, ctx) => {
      const { site } = await loadProject(`${root}${name}`);
      const r = renderLinuxRouter(site);
      expect(diffTuples(canonicalOrder(policyTuples(r.policy)), parseNftables(r.nftables, r.ifs))).toEqual(
        [],
      );
      requireTool(ctx, 'nft', 'apt-get install nftables');
      requireTool(ctx, 'dnsmasq', 'apt-get install dnsmasq');
      expect(nftCheck(r.nftables).code).toBe(0);
      const file = join(dir, `${name}.conf`);
      writeFileSync(file, r.dnsmasq);
      expect(run('dnsmasq', ['--test', `--conf-file=${file}`]).code).toBe(0);
    },
  );
});
