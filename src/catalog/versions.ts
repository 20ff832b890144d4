// The versions catalog: every version the site pins, in one place. Beelab ships these defaults; the site
// repository holds them as versions.yaml (written on the first render, then owned by the user and Renovate),
// and every layer reads the Site's copy (`site.versions`), never a constant of its own.

/** The catalog's file in the site repository. */
export const VERSIONS_FILE = 'versions.yaml';

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
  /** local-path-provisioner image tag: the Talos cluster's default StorageClass (k3s bundles its own). */
  localPathProvisioner: string;
  /** busybox image tag: local-path-provisioner's helper pod, which makes and removes a volume's directory. */
  busybox: string;
  /** Model servers on the AI Macs: Ollama's macOS release, llama.cpp's build tag, MLX LM on PyPI. */
  ollama: string;
  llamaCpp: string;
  mlxLm: string;
  /** LiteLLM's proxy on PyPI: the gateway on the head when the site chooses `ai.gateway: litellm`. */
  litellm: string;
  /** Forgejo Actions runner on the agent Macs, built from its source archive (code.forgejo.org forgejo/runner). */
  forgejoRunner: string;
  /**
   * sha256 (hex) of what the AI Macs' bootstrap downloads for the version of the same name: Ollama's
   * ollama-darwin.tgz, llama.cpp's llama-<tag>-bin-macos-arm64.tar.gz, MLX LM's wheel, LiteLLM's source
   * distribution (litellm-<version>.tar.gz). versions.yaml holds each
   * right below its version (`ollama-sha256`), where Renovate updates the two together.
   */
  checksums: Record<ChecksummedVersion, string>;
  /** Exporters on the monitor: prometheus-pve-exporter on PyPI, natrontech/pbs-exporter and DRuggeri/nut_exporter
   * release tags (their binaries are checked against the releases' checksums). */
  pveExporter: string;
  pbsExporter: string;
  nutExporter: string;
  cloudImages: { debian: PinnedImage; ubuntu: PinnedImage };
  /** Ansible collections (requirements.yml): name → version. */
  collections: Record<string, string>;
  /**
   * Container images: catalog key (an app, or app-companion such as `immich-postgres`) →
   * `registry/repository:tag@sha256:<64 hex>`. Never a bare tag, never `latest`.
   */
  images: Record<string, string>;
}

/** The single-valued entries of the catalog (everything but the maps). */
export type ScalarVersion = Exclude<keyof Versions, 'checksums' | 'cloudImages' | 'collections' | 'images'>;

/** The versions whose download the bootstrap verifies against a pinned sha256. */
export type ChecksummedVersion = 'ollama' | 'llamaCpp' | 'mlxLm' | 'litellm' | 'forgejoRunner';

/** Where Renovate looks a version up: its datasource, package and (for Helm) the chart repository. */
export interface VersionSource {
  datasource: string;
  depName: string;
  registryUrl?: string;
}

/**
 * Each scalar's key in versions.yaml and its upstream (none: not tracked, e.g. the schematic id); `checksum`: the
 * key of its sha256 in versions.yaml, on the line after the version.
 */
export const VERSION_SOURCES: Record<
  ScalarVersion,
  { key: string; source?: VersionSource; checksum?: string }
> = {
  talos: { key: 'talos', source: { datasource: 'github-releases', depName: 'siderolabs/talos' } },
  talosSchematic: { key: 'talos-schematic' },
  kubernetes: {
    key: 'kubernetes',
    source: { datasource: 'github-releases', depName: 'kubernetes/kubernetes' },
  },
  k3s: { key: 'k3s', source: { datasource: 'github-releases', depName: 'k3s-io/k3s' } },
  cilium: {
    key: 'cilium',
    source: { datasource: 'helm', registryUrl: 'https://helm.cilium.io', depName: 'cilium' },
  },
  metallb: {
    key: 'metallb',
    source: { datasource: 'helm', registryUrl: 'https://metallb.github.io/metallb', depName: 'metallb' },
  },
  kubeVip: { key: 'kube-vip', source: { datasource: 'docker', depName: 'ghcr.io/kube-vip/kube-vip' } },
  localPathProvisioner: {
    key: 'local-path-provisioner',
    source: { datasource: 'docker', depName: 'docker.io/rancher/local-path-provisioner' },
  },
  busybox: { key: 'busybox', source: { datasource: 'docker', depName: 'docker.io/library/busybox' } },
  // github-release-attachments: Renovate finds the asset whose sha256 is the pinned one in the current release and
  // pins the same asset of the new release (its name with the version replaced).
  ollama: {
    key: 'ollama',
    source: { datasource: 'github-release-attachments', depName: 'ollama/ollama' },
    checksum: 'ollama-sha256',
  },
  llamaCpp: {
    key: 'llama-cpp',
    source: { datasource: 'github-release-attachments', depName: 'ggml-org/llama.cpp' },
    checksum: 'llama-cpp-sha256',
  },
  // PyPI has no digest lookup in Renovate: its pull request carries a note to paste the new wheel's sha256.
  mlxLm: { key: 'mlx-lm', source: { datasource: 'pypi', depName: 'mlx-lm' }, checksum: 'mlx-lm-sha256' },
  litellm: { key: 'litellm', source: { datasource: 'pypi', depName: 'litellm' }, checksum: 'litellm-sha256' },
  pveExporter: { key: 'pve-exporter', source: { datasource: 'pypi', depName: 'prometheus-pve-exporter' } },
  pbsExporter: {
    key: 'pbs-exporter',
    source: { datasource: 'github-releases', depName: 'natrontech/pbs-exporter' },
  },
  nutExporter: {
    key: 'nut-exporter',
    source: { datasource: 'github-releases', depName: 'DRuggeri/nut_exporter' },
  },
  // Forgejo's API is Gitea's: gitea-releases at code.forgejo.org. Its source archive has no digest lookup either.
  forgejoRunner: {
    key: 'forgejo-runner',
    source: {
      datasource: 'gitea-releases',
      registryUrl: 'https://code.forgejo.org',
      depName: 'forgejo/runner',
    },
    checksum: 'forgejo-runner-sha256',
  },
};

/** The versions this release of Beelab was tested with. */
export const BUILTIN_VERSIONS: Versions = {
  talos: 'v1.13.9',
  talosSchematic: 'ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515',
  kubernetes: 'v1.35.4',
  k3s: 'v1.34.2+k3s1',
  cilium: '1.18.4',
  metallb: '0.15.2',
  kubeVip: 'v1.0.1',
  localPathProvisioner: 'v0.0.32',
  busybox: '1.37.0',
  // Release tags whose assets the Macs' bootstrap downloads: ollama-darwin.tgz, llama-<tag>-bin-macos-arm64.tar.gz
  // (llama.cpp ships macOS builds as .tar.gz since b7956), and MLX LM's wheel.
  ollama: 'v0.13.3',
  llamaCpp: 'b9860',
  mlxLm: '0.31.3',
  litellm: '1.79.1',
  forgejoRunner: 'v13.1.0',
  checksums: {
    // The sha256 public repositories pin for these exact files (found through code search, each named here).
    // ollama-darwin.tgz v0.13.3: two unrelated installers (a Lua package table and a Python download map) agree.
    ollama: 'f2fd093b044b4951b5a0ec339f9059ba3de95abcf74df2a934c60330b6afc801',
    // llama-b9860-bin-macos-arm64.tar.gz: lacerbi/genai-electron src/config/defaults.ts (from GitHub's asset digest).
    llamaCpp: '35a2e8c3528adc71db5044e7ad7de8d8b96a4221e737958915e31538a005f1d9',
    // mlx_lm-0.31.3-py3-none-any.whl: the same digest in two Homebrew formulae's resources and a Nix fetchurl.
    mlxLm: '758cfddf1180053b7613db76fad3d246a331a2a905808e1164a275621fc983b8',
    // litellm-1.79.1.tar.gz (the sdist; no published digest of its wheel was found): the litellm resource of
    // Homebrew/homebrew-core Formula/r/rawdog.rb, which brew checks on every install of that formula.
    litellm: 'c1cf0232c01e7ad4b8442d2cdd78973ce74dfda37ad1d9f0ec3c911510e26523',
    // code.forgejo.org/forgejo/runner/archive/v13.1.0.tar.gz: Homebrew/homebrew-core Formula/f/forgejo-runner.rb.
    forgejoRunner: 'bdece01a00354bb29de4e36b6c72afae9ed571ed1fba1905d01bc8961de41819',
  },
  pveExporter: '3.10.2',
  pbsExporter: 'v0.9.3',
  nutExporter: 'v3.2.5',
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
  // Each digest is the one public repositories pin for that tag (found through code search; the source is named
  // beside it). owncloud and opencloud have none here yet: a site that chooses them adds the pinned reference to
  // its versions.yaml (the check says so).
  images: {
    // immich-app/immich docker/docker-compose.yml at v2.3.1 pins the server, machine learning, postgres and valkey
    // images with these digests (as copied into public NixOS and Kubernetes configurations).
    immich:
      'ghcr.io/immich-app/immich-server:v2.3.1@sha256:f8d06a32b1b2a81053d78e40bf8e35236b9faefb5c3903ce9ca8712c9ed78445',
    'immich-machine-learning':
      'ghcr.io/immich-app/immich-machine-learning:v2.3.1@sha256:379e31b8c75107b0af8141904baa8cc933d7454b88fdb204265ef11749d7d908',
    'immich-postgres':
      'ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0@sha256:bcf63357191b76a916ae5eb93464d65c07511da41e3bf7a8416db519b40b1c23',
    'immich-valkey':
      'ghcr.io/valkey-io/valkey:8.1.5@sha256:e6519c81133f55170dcaf1c7711dea0770dc756a7aef0cb919204c8d6e325776',
    // Pinned the same in several public NixOS flakes (vaultwarden, paperless-ngx, uptime-kuma containers).
    vaultwarden:
      'docker.io/vaultwarden/server:1.34.3@sha256:84fd8a47f58d79a1ad824c27be0a9492750c0fa5216b35c749863093bfa3c3d7',
    'paperless-ngx':
      'ghcr.io/paperless-ngx/paperless-ngx:2.18.4@sha256:3421ebe06ed27662d014046cf5089e612de853aae0c676a2bc72f73b38080e57',
    // The official postgres image as pinned by many public test suites and CI files.
    'paperless-ngx-postgres':
      'docker.io/library/postgres:17.6-alpine@sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94',
    'paperless-ngx-valkey':
      'ghcr.io/valkey-io/valkey:8.1.5@sha256:e6519c81133f55170dcaf1c7711dea0770dc756a7aef0cb919204c8d6e325776',
    // SchokiJoki/homeserver container-image-digests.md (jellyfin 10.11.2; home-assistant 2025.11.1).
    jellyfin:
      'docker.io/jellyfin/jellyfin:10.11.2@sha256:298fceb9fa1c526d1392fef62e99b903148527ed7cdb9845509bdb8c5959b366',
    'home-assistant':
      'ghcr.io/home-assistant/home-assistant:2025.11.1@sha256:c11dd7c74039223c43079d700aa559d6dc61e8e0b38a08d651f91d1bc550cff5',
    'uptime-kuma':
      'docker.io/louislam/uptime-kuma:2.0.2@sha256:4c364ef96aaddac7ec4c85f5e5f31c3394d35f631381ccbbf93f18fd26ac7cba',
    // A public NixOS configuration's pullImage of code.forgejo.org/forgejo/forgejo (tag 13.0.2-rootless).
    forgejo:
      'code.forgejo.org/forgejo/forgejo:13.0.2-rootless@sha256:a704cc203d78a854e0887e08fcbd7a45f9bc2b5fd8551c88b914b044792c4b1b',
    // Public NixOS configurations' pullImage of nextcloud (tag 32.0.3, the Apache variant).
    nextcloud:
      'docker.io/library/nextcloud:32.0.3@sha256:a9ef7ed15dbf3f9fcf6dc2a41a15af572fcc077f220640cabfe574a3ffbf5766',
    'nextcloud-postgres':
      'docker.io/library/postgres:17.6-alpine@sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94',
    'nextcloud-valkey':
      'ghcr.io/valkey-io/valkey:8.1.5@sha256:e6519c81133f55170dcaf1c7711dea0770dc756a7aef0cb919204c8d6e325776',
    // A public Seafile 13 CE compose guide pins seafile-mc and MariaDB with these digests.
    seafile:
      'docker.io/seafileltd/seafile-mc:13.0.25@sha256:90c1aaa08731116750cd7ce16cbc6afe0c26006433002d3c7215a5f4254ec244',
    'seafile-mariadb':
      'docker.io/library/mariadb:10.11.18@sha256:de61fed4a40d3842f3ee09944ba52792156cfd9adf489b2cc670fc6ded28df8d',
    'seafile-valkey':
      'ghcr.io/valkey-io/valkey:8.1.5@sha256:e6519c81133f55170dcaf1c7711dea0770dc756a7aef0cb919204c8d6e325776',
    // The Wazuh 4.12.0 single-node deployment (wazuh-docker): digests as recorded from running containers in the
    // APTL project's public lab asset records (image, tag and digest side by side), the certs generator as pinned there.
    'wazuh-manager':
      'docker.io/wazuh/wazuh-manager:4.12.0@sha256:dea2fa1e6d5062147b6a85b241f5f501c5f1ba4b817d12bda06f7870a89ad561',
    'wazuh-indexer':
      'docker.io/wazuh/wazuh-indexer:4.12.0@sha256:3691b3b27658695aad0c6879b412a001caf233ebbc1a5ba15647053aa03a2299',
    'wazuh-dashboard':
      'docker.io/wazuh/wazuh-dashboard:4.12.0@sha256:8f5b50fde67a0b1c4d2321aa26b12bbc5cef21269cf4f6225746f0b946458bd7',
    'wazuh-certs-generator':
      'docker.io/wazuh/wazuh-certs-generator:0.0.2@sha256:88c4b30ad9b8320ba29f0a891761ad8000866c15c844d27b04974f5cb427c8f0',
    // The clusters' exporters (k8s/<cluster>/monitoring). node-exporter v1.9.1: the digest public NixOS
    // configurations pin for quay.io/prometheus/node-exporter and prom/node-exporter alike, and a live cluster's
    // kube_pod_container_info reports as its image_id; kube-state-metrics v2.19.1: the digest public Helm values,
    // NixOS pullImage calls and rendered-manifest checks pin.
    'node-exporter':
      'quay.io/prometheus/node-exporter:v1.9.1@sha256:d00a542e409ee618a4edc67da14dd48c5da66726bbd5537ab2af9c1dfc442c8a',
    'kube-state-metrics':
      'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.19.1@sha256:85108987d044b18a098126732f98602df408888c0f7d456241f5abefb9744bc1',
  },
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
