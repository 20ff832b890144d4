// The versions catalog: every version the site pins, in one place. Beelab ships these defaults; the site
// repository holds them as versions.yaml (written on the first render, then owned by the user and Renovate),
// and every layer reads the Site's copy (`site.versions`), never a constant of its own.

/** A cloud image a Proxmox template is built from, pinned by dated URL and checksum (`algo:hex`). */
export interface PinnedImage {
  url: string;
  checksum: string;
}

export interface Versions {
  /** Talos Linux release: the Image Factory ISO, talosctl and the installer image. */
  talos: string;
  /** Image Factory schematic id: the official image plus siderolabs/qemu-guest-agent. */
  talosSchematic: string;
  /** Kubernetes on the Talos cluster (kubelet and control plane images). */
  kubernetes: string;
  /** k3s release for the DevOps cluster (installed from its GitHub release with its sha256sum). */
  k3s: string;
  /** Helm chart versions installed into the clusters. */
  cilium: string;
  metallb: string;
  /** kube-vip image tag: the API VIP of the k3s servers. */
  kubeVip: string;
  cloudImages: { debian: PinnedImage; ubuntu: PinnedImage };
  /** Ansible collections (requirements.yml): name → version. */
  collections: Record<string, string>;
  /**
   * Container images: catalog key (an app, or app-companion such as `immich-postgres`) →
   * `registry/repository:tag@sha256:<64 hex>`. Never a bare tag, never `latest`.
   */
  images: Record<string, string>;
}

/** The versions this release of Beelab was tested with. */
export const BUILTIN_VERSIONS: Versions = {
  talos: 'v1.13.9',
  talosSchematic: 'ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515',
  kubernetes: 'v1.35.4',
  k3s: 'v1.34.2+k3s1',
  cilium: '1.18.4',
  metallb: '0.15.2',
  kubeVip: 'v1.0.1',
  cloudImages: {
    // SHA512SUMS / SHA256SUMS of the dated release directories (as also pinned by lima-vm's templates).
    debian: {
      url: 'https://cloud.debian.org/images/cloud/bookworm/20250519-2117/debian-12-genericcloud-amd64-20250519-2117.qcow2',
      checksum:
        'sha512:ee35c87b8a0c67eb67a169beec3bef5d6868957c1d31374797ef37072650c5067094c50ca293d7b926a967d07515abf1845f515084e3a192c7c69df75e84c95a',
    },
    ubuntu: {
      url: 'https://cloud-images.ubuntu.com/releases/noble/release-20250704/ubuntu-24.04-server-cloudimg-amd64.img',
      checksum: 'sha256:f1652d29d497fb7c623433705c9fca6525d1311b11294a0f495eed55c7639d1f',
    },
  },
  // Debian 12's `ansible` package ships these; requirements.yml pins them for a controller elsewhere.
  collections: { 'ansible.posix': '1.5.4', 'community.general': '6.6.2' },
  images: {},
};

/** `registry/repo:tag@sha256:hex` split into its parts; undefined when it is not pinned that way. */
export function parseImageRef(ref: string): { repository: string; tag: string; digest: string } | undefined {
  const m = /^([a-z0-9][a-z0-9._\-/:]*?[a-z0-9]):([\w][\w.-]{0,127})@(sha256:[a-f0-9]{64})$/.exec(ref);
  if (!m) return undefined;
  return { repository: m[1]!, tag: m[2]!, digest: m[3]! };
}

/** The pinned image of a catalog key; throws (a Beelab bug) when the catalog has none. */
export function imageOf(versions: Versions, key: string): string {
  const ref = versions.images[key];
  if (!ref) throw new Error(`versions catalog has no image ${key}`);
  return ref;
}
