// Machine images the Proxmox templates are built from: their template names and default logins. The pinned
// URLs and checksums, and the Talos version and schematic, live in the versions catalog (site.versions).
import type { Versions } from './versions.ts';

export interface CloudImage {
  /** Template name on each node, e.g. debian-12. */
  name: string;
  /** The default login of the image (cloud-init's default user). */
  user: string;
}

export const CLOUD_IMAGES = {
  debian: { name: 'debian-12', user: 'debian' },
  ubuntu: { name: 'ubuntu-24.04', user: 'ubuntu' },
} as const satisfies Record<keyof Versions['cloudImages'], CloudImage>;

/**
 * Talos boots from the Image Factory's ISO for the catalog's schematic: the official image plus the
 * siderolabs/qemu-guest-agent extension, so Proxmox sees the VM's addresses and can shut it down.
 */
export function talosIsoUrl(versions: Versions, version: string = versions.talos): string {
  return `https://factory.talos.dev/image/${versions.talosSchematic}/${version}/nocloud-amd64.iso`;
}
