// Machine images the Proxmox templates are built from: their template names and default logins. The pinned
// URLs and checksums, and the Talos version and schematic, live in the versions catalog (site.versions).
import { createHash } from 'node:crypto';
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

/** The Talos system extensions the Proxmox VMs need: the guest agent, so Proxmox sees addresses and shuts down cleanly. */
export const TALOS_EXTENSIONS = ['siderolabs/qemu-guest-agent'] as const;

/**
 * The Image Factory schematic for TALOS_EXTENSIONS, byte for byte as the factory marshals it (Go yaml.v3,
 * four-space indent): its sha256 is the schematic id, so the id in the versions catalog can be checked.
 */
export function talosSchematicYaml(extensions: readonly string[] = TALOS_EXTENSIONS): string {
  return `customization:\n    systemExtensions:\n        officialExtensions:\n${extensions.map((e) => `            - ${e}\n`).join('')}`;
}

/** The Image Factory's id of a schematic: the sha256 of its YAML. */
export function talosSchematicId(yaml: string = talosSchematicYaml()): string {
  return createHash('sha256').update(yaml).digest('hex');
}
