// The versions catalog's machine images: cloud images the Proxmox templates are built from, pinned by date and checksum.
// Checksums are the SHA512SUMS / SHA256SUMS entries of the dated release directories named in `url`
// (as also pinned by lima-vm's templates); a bump changes url and checksum together.

export interface CloudImage {
  /** Template name on each node, e.g. debian-12. */
  name: string;
  url: string;
  /** `algo:hex` as Ansible's get_url takes it. */
  checksum: string;
  /** The default login of the image (cloud-init's default user). */
  user: string;
}

export const CLOUD_IMAGES = {
  debian: {
    name: 'debian-12',
    url: 'https://cloud.debian.org/images/cloud/bookworm/20250519-2117/debian-12-genericcloud-amd64-20250519-2117.qcow2',
    checksum:
      'sha512:ee35c87b8a0c67eb67a169beec3bef5d6868957c1d31374797ef37072650c5067094c50ca293d7b926a967d07515abf1845f515084e3a192c7c69df75e84c95a',
    user: 'debian',
  },
  ubuntu: {
    name: 'ubuntu-24.04',
    url: 'https://cloud-images.ubuntu.com/releases/noble/release-20250704/ubuntu-24.04-server-cloudimg-amd64.img',
    checksum: 'sha256:f1652d29d497fb7c623433705c9fca6525d1311b11294a0f495eed55c7639d1f',
    user: 'ubuntu',
  },
} as const satisfies Record<string, CloudImage>;

/**
 * Talos boots from the Image Factory's ISO for this schematic: the official image plus the
 * siderolabs/qemu-guest-agent extension, so Proxmox sees the VM's addresses and can shut it down.
 */
export const TALOS_SCHEMATIC = 'ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515';

export function talosIsoUrl(version: string): string {
  return `https://factory.talos.dev/image/${TALOS_SCHEMATIC}/${version}/nocloud-amd64.iso`;
}
