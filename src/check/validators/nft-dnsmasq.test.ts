// nft -c and dnsmasq --test through the real runner: the Linux router's files pass, broken ones fail at their line.
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { fixtureSite } from '../../../test/support/network-fixture.ts';
import { isRoot, needTool } from '../../../test/support/tools.ts';
import { renderLinux } from '../../layers/network/linux/render.ts';
import { dnsmasq } from './dnsmasq.ts';
import { nft } from './nft.ts';

afterAll(removeSites);

const tree = renderLinux(fixtureSite());
const rendered = Object.fromEntries(tree.entries().map(([p, f]) => [p, f.content]));
const NFT = 'network/linux/nftables.conf';
const DNSMASQ = 'network/linux/dnsmasq.d/beelab.conf';

describe('file selection', () => {
  it('nft takes nftables.conf and *.nft; dnsmasq takes dnsmasq.conf and dnsmasq.d/*.conf', () => {
    const files = [NFT, DNSMASQ, 'x/rules.nft', 'etc/dnsmasq.conf', 'network/linux/README.md', 'a.conf'];
    expect(nft.applies(files, undefined as never)).toEqual([NFT, 'x/rules.nft']);
    expect(dnsmasq.applies(files, undefined as never)).toEqual([DNSMASQ, 'etc/dnsmasq.conf']);
  });
});

// nft -c needs CAP_NET_ADMIN: root here, a user + network namespace (unshare -rn) elsewhere.
describe.runIf(
  needTool('nft', 'apt-get install nftables') &&
    (isRoot() || needTool('unshare', 'apt-get install util-linux')),
)('nft validator', () => {
  it('passes the rendered ruleset', async () => {
    const r = await checkWith(nft, { [NFT]: rendered[NFT]! });
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
  });

  it('fails a bad port at its line and column', async () => {
    const text = rendered[NFT]!.replace('tcp dport 9100', 'tcp dport ninety');
    const line = text.split('\n').findIndex((l) => l.includes('dport ninety')) + 1;
    const r = await checkWith(nft, { [NFT]: text });
    expect(r.status).toBe('failed');
    expect(where(r)[0]).toMatch(new RegExp(`^${NFT}:${line}:\\d+ error nft$`));
  });
});

describe.runIf(needTool('dnsmasq', 'apt-get install dnsmasq'))('dnsmasq validator', () => {
  it('passes the rendered config', async () => {
    const r = await checkWith(dnsmasq, { [DNSMASQ]: rendered[DNSMASQ]! });
    expect(r.diagnostics).toEqual([]);
    expect(r.status).toBe('passed');
  });

  it('fails a bad dhcp-range at its line', async () => {
    const text = `${rendered[DNSMASQ]!}dhcp-range=set:x,not-an-address\n`;
    const line = text.split('\n').length - 1;
    const r = await checkWith(dnsmasq, { [DNSMASQ]: text });
    expect(r.status).toBe('failed');
    expect(where(r)).toEqual([`${DNSMASQ}:${line}: error dnsmasq`]);
    expect(r.diagnostics[0]!.message).toContain('bad dhcp-range');
  });
});
