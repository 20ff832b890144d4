// The network layer's apply steps: install the rendered firewall for the Site's platform on the router.

import type { Host, Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import type { Step } from '../step.ts';
import { NFT_TABLE } from './linux/nftables.ts';
import { LINUX_DIR, LINUX_FILES } from './linux/render.ts';

/** The id of the step every other step that needs the network up lists in `after`. */
export const FIREWALL_STEP = 'network/firewall';

/** `ssh` with BatchMode (never waits for a password) and the operator's extra options (e.g. the lab's). */
const SSH_OPTS = '$' + '{BEELAB_SSH_OPTS:-}'; // a shell expansion, not a template
const SSH = `ssh -o BatchMode=yes ${SSH_OPTS}`;
const SCP = `scp -o BatchMode=yes ${SSH_OPTS}`;

function firewallHost(site: Site): Host {
  const host = site.hosts.find((h) => h.name === site.firewall.host);
  if (!host) throw new Error(`network steps: firewall host ${site.firewall.host} is not in the Site`);
  return host;
}

/**
 * Linux backend: ship network/linux/ to the router, check it there (`nft -c`, `dnsmasq --test`), then install
 * it as the README beside the files says: networkd units, sysctl, `nft -f` (atomic: the one table is
 * replaced whole), dnsmasq. The router's own address is unchanged by the install, so the SSH session stays.
 */
function linuxStep(host: Host, files: FileTree): Step {
  const inputs = files
    .entries()
    .map(([p]) => p)
    .filter((p) => p.startsWith(`${LINUX_DIR}/`) && p !== LINUX_FILES.readme);
  const dest = `debian@${host.address}`;
  const script = [
    `dest=${dest}`,
    `remote=$(tar -C ${LINUX_DIR} -cf - nftables.conf dnsmasq.d sysctl.d systemd-network | ${SSH} "$dest" 'd=$(mktemp -d) && tar -C "$d" -xf - && echo "$d"')`,
    `${SSH} "$dest" "sudo bash -euo pipefail -s -- $remote" <<'REMOTE'`,
    'd=$1',
    'trap \'rm -rf "$d"\' EXIT',
    'nft -c -f "$d/nftables.conf"',
    'dnsmasq --test -C "$d/dnsmasq.d/beelab.conf"',
    'install -m 0644 "$d"/systemd-network/* /etc/systemd/network/',
    'install -m 0644 "$d/sysctl.d/90-beelab-router.conf" /etc/sysctl.d/ && sysctl --system >/dev/null',
    'install -m 0755 "$d/nftables.conf" /etc/nftables.conf && nft -f /etc/nftables.conf && systemctl enable nftables',
    'install -m 0644 "$d/dnsmasq.d/beelab.conf" /etc/dnsmasq.d/ && systemctl restart dnsmasq',
    'systemctl enable systemd-networkd && networkctl reload',
    'REMOTE',
  ].join('\n');
  return {
    id: FIREWALL_STEP,
    layer: 'network',
    title: `Install the nftables ruleset, dnsmasq and systemd-networkd files on ${host.name}`,
    hosts: [host.name],
    run: { kind: 'shell', script },
    inputs,
    verify: {
      kind: 'shell',
      script: `${SSH} ${dest} 'sudo nft list table inet ${NFT_TABLE} >/dev/null && systemctl is-active --quiet dnsmasq'`,
    },
    rebuild: { phase: 'firewall' },
  };
}

/** VyOS: copy the `set` script over and run it with vbash (one commit, then save). */
function vyosStep(host: Host, file: string): Step {
  const dest = `vyos@${host.address}`;
  return {
    id: FIREWALL_STEP,
    layer: 'network',
    title: `Apply the VyOS configuration to ${host.name} (one commit, then save)`,
    hosts: [host.name],
    run: {
      kind: 'shell',
      script: [
        `${SCP} ${file} ${dest}:/tmp/beelab-configure.vbash`,
        `${SSH} ${dest} 'vbash /tmp/beelab-configure.vbash; rc=$?; rm -f /tmp/beelab-configure.vbash; exit $rc'`,
      ].join('\n'),
    },
    inputs: [file],
    verify: { kind: 'tcp', host: host.address, port: 22 },
    rebuild: { phase: 'firewall' },
  };
}

/**
 * OPNsense and pfSense take a whole config.xml only through their web UI's restore page (there is no API
 * for a full import), so this is a documented manual step; the engine then checks the web UI answers on
 * the address the new config gives it.
 */
function applianceStep(site: Site, host: Host, file: string): Step {
  const name = site.firewall.platform === 'opnsense' ? 'OPNsense' : 'pfSense';
  const page =
    site.firewall.platform === 'opnsense'
      ? 'System ▸ Configuration ▸ Backups ▸ Restore'
      : 'Diagnostics ▸ Backup & Restore ▸ Restore Backup';
  return {
    id: FIREWALL_STEP,
    layer: 'network',
    title: `Restore the generated ${name} config.xml on ${host.name}`,
    hosts: [host.name],
    run: {
      kind: 'manual',
      prompt: `Restore ${file} on the ${name} firewall ${host.name} and let it reboot`,
      instructions: [
        `1. Open the ${name} web UI (a fresh install answers on its LAN default, https://192.168.1.1/).`,
        `2. ${page}: choose ${file} from this repository, area "All", restore.`,
        `3. The firewall reboots with the generated config; its management address becomes ${host.address}.`,
        `4. Check the web UI answers at https://${host.address}/ before continuing.`,
      ],
    },
    inputs: [file],
    verify: { kind: 'tcp', host: host.address, port: 443, timeoutMs: 10_000 },
    rebuild: { phase: 'firewall' },
  };
}

/** Pure: the network layer's steps for the rendered `files`. */
export function networkSteps(site: Site, files: FileTree): Step[] {
  const host = firewallHost(site);
  const platform = site.firewall.platform;
  switch (platform) {
    case 'linux':
      return [linuxStep(host, files)];
    case 'vyos':
      return [vyosStep(host, 'network/vyos/configure.vbash')];
    case 'opnsense':
      return [applianceStep(site, host, 'network/opnsense/config.xml')];
    case 'pfsense':
      return [applianceStep(site, host, 'network/pfsense/config.xml')];
  }
}
