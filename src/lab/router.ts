// Brings up the router namespace's software: the generated sysctl, nftables ruleset and dnsmasq, run for real.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxRouter } from '../layers/network/linux/render.ts';
import { nsRun } from './system.ts';

/** Files of the router as the lab runs them: byte for byte what the backend renders. */
export function writeRouterFiles(
  dir: string,
  router: LinuxRouter,
): { nft: string; dnsmasq: string; sysctl: string } {
  const files = {
    nft: join(dir, 'nftables.conf'),
    dnsmasq: join(dir, 'dnsmasq.conf'),
    sysctl: join(dir, 'sysctl.conf'),
  };
  writeFileSync(files.nft, router.nftables);
  writeFileSync(files.dnsmasq, router.dnsmasq);
  writeFileSync(files.sysctl, router.sysctl);
  return files;
}

export async function startRouter(dir: string, netns: string, router: LinuxRouter): Promise<void> {
  const f = writeRouterFiles(dir, router);
  await nsRun(netns, ['sysctl', '-q', '-p', f.sysctl]);
  await nsRun(netns, ['nft', '-f', f.nft]);
  // Everything dnsmasq writes stays in the run directory; --no-resolv: nothing is forwarded anywhere.
  // --no-ping: dnsmasq pings an address for 3 s before offering it and serves DHCP one request at a time,
  // so a dozen simultaneous first leases would take a minute; the pool never overlaps static addresses anyway.
  await nsRun(netns, [
    'dnsmasq',
    `--conf-file=${f.dnsmasq}`,
    `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`,
    `--log-facility=${join(dir, 'dnsmasq.log')}`,
    '--no-resolv',
    '--no-ping',
    '--log-dhcp',
  ]);
}
