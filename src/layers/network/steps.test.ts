import { describe, expect, it } from 'vitest';
import { loadProject } from '../../project/load.ts';
import { renderSite } from '../../project/render-site.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { FIREWALL_STEP, networkSteps } from './steps.ts';

const example = (name: string) => loadProject(new URL(`../../../examples/${name}`, import.meta.url).pathname);

describe('network steps', () => {
  it('linux: one step that ships, checks (nft -c, dnsmasq --test) and installs (nft -f) the rendered router files', async () => {
    const { site } = await example('single');
    const files = renderSite(site);
    const [s, ...rest] = networkSteps(site, files);
    expect(rest).toEqual([]);
    expect(s!.id).toBe(FIREWALL_STEP);
    expect(s!.hosts).toEqual([site.firewall.host]);
    expect(s!.rebuild).toEqual({ phase: 'firewall' });
    // reads exactly the router's files the render produced (not its README)
    const rendered = files
      .entries()
      .map(([p]) => p)
      .filter((p) => p.startsWith('network/linux/') && !p.endsWith('README.md'));
    expect(s!.inputs).toEqual(rendered);
    expect(s!.inputs).toContain('network/linux/nftables.conf');
    if (s!.run.kind !== 'shell') throw new Error('expected a shell step');
    const fw = site.hosts.find((h) => h.name === site.firewall.host)!;
    expect(s!.run.script).toContain(`debian@${fw.address}`);
    const order = [
      'nft -c -f',
      'dnsmasq --test',
      'nft -f /etc/nftables.conf',
      'systemctl restart dnsmasq',
    ].map((x) => (s!.run.kind === 'shell' ? s!.run.script.indexOf(x) : -1));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(s!.verify).toMatchObject({ kind: 'shell' });
  });

  it('opnsense / pfsense: a documented manual restore of config.xml, verified on the web UI port', async () => {
    const { site } = await example('reference');
    const [s] = networkSteps(site, renderSite(site));
    expect(s!.run.kind).toBe('manual');
    expect(s!.inputs).toEqual(['network/opnsense/config.xml']);
    if (s!.run.kind === 'manual')
      expect(s!.run.instructions.join('\n')).toContain('network/opnsense/config.xml');
    expect(s!.verify).toMatchObject({ kind: 'tcp', port: 443 });
    const pf = networkSteps({ ...site, firewall: { ...site.firewall, platform: 'pfsense' } }, new FileTree());
    expect(pf[0]!.inputs).toEqual(['network/pfsense/config.xml']);
  });

  it('vyos: copies the set script and runs it with vbash', async () => {
    const { site } = await example('reference');
    const [s] = networkSteps({ ...site, firewall: { ...site.firewall, platform: 'vyos' } }, new FileTree());
    expect(s!.inputs).toEqual(['network/vyos/configure.vbash']);
    expect(s!.run.kind === 'shell' && s!.run.script).toMatch(
      /scp .*network\/vyos\/configure\.vbash vyos@.*\n.*vbash \/tmp\/beelab-configure\.vbash/,
    );
  });
});
