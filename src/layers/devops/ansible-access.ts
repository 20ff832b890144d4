// How Ansible reaches each kind of host: its SSH user, or why it is not managed over SSH at all.
import type { Host } from '../../site/types.ts';
import { firewallBackends } from '../network/backends.ts';
import { TPOT_SSH_PORT } from '../security/tpot.ts';

/** Ansible connection facts for one host. */
export type AnsibleAccess =
  | { ssh: true; user: string; vars?: Record<string, string> }
  | { ssh: false; managedBy: string };

/**
 * Talos has no SSH (it is driven by talosctl over its API), OPNsense/pfSense take their config.xml
 * through the web UI, smart plugs only speak HTTP: those hosts are listed for reference, in `no_ssh`,
 * and playbooks target `ssh` instead of `all`.
 */
export function ansibleAccess(host: Host): AnsibleAccess {
  if (host.roles.includes('smart_plug')) return { ssh: false, managedBy: 'HTTP API (watchdog relay)' };
  switch (host.os) {
    case 'talos':
      return { ssh: false, managedBy: 'talosctl' };
    case 'opnsense':
    case 'pfsense':
    case 'vyos':
      // A firewall appliance: its backend knows how it is managed.
      return firewallBackends[host.os].access;
    case 'proxmox-ve':
    case 'proxmox-backup':
      return { ssh: true, user: 'root' };
    case 'raspberry-pi-os':
      return { ssh: true, user: 'pi' };
    case 'macos':
      return { ssh: true, user: 'admin' };
    case 'other':
      return { ssh: false, managedBy: 'not managed by Beelab (a device of yours)' };
    case 'ubuntu':
      return { ssh: true, user: 'ubuntu' };
    case 'debian':
      // PiKVM runs Arch-based PiKVM OS with root SSH; everything else Debian uses the cloud-init user. The
      // honeypot's sshd moves to T-Pot's SSH port (the base role moves it; Cowrie takes 22).
      if (host.roles.includes('honeypot'))
        return { ssh: true, user: 'debian', vars: { ansible_port: String(TPOT_SSH_PORT) } };
      return { ssh: true, user: host.roles.includes('pikvm') ? 'root' : 'debian' };
  }
}

/** OS that take the Debian base role (apt, systemd, sshd): Debian and Ubuntu, Proxmox VE and PBS, Raspberry Pi OS. */
const DEBIAN_FAMILY = new Set<Host['os']>([
  'debian',
  'ubuntu',
  'proxmox-ve',
  'proxmox-backup',
  'raspberry-pi-os',
]);

/** Whether Ansible manages this host over SSH as a Debian-family system (inventory group `debian`). */
export function isDebianFamily(host: Host): boolean {
  return DEBIAN_FAMILY.has(host.os) && !host.roles.includes('pikvm') && ansibleAccess(host).ssh;
}
