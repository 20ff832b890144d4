// Commit scopes: the tool a change belongs to (`compose`, `opnsense`, `ansible`, ...), shared by `beelab commit`
// and the Renovate configuration so that both write history in the same `scope: …` words.
import type { ScalarVersion } from '../../catalog/versions.ts';
import type { Service, Site } from '../../site/types.ts';
import type { AppPlacement, FirewallPlatform } from '../../spec/schema.ts';

/** Beelab's own inputs: the spec, the lock, the versions catalog and the .beelab/ folder. */
export const BEELAB_SCOPE = 'beelab';

const FIREWALL: Record<FirewallPlatform, string> = {
  opnsense: 'opnsense',
  pfsense: 'pfsense',
  vyos: 'vyos',
  linux: 'nftables',
};

/** What a reviewer calls the firewall's files: the platform, or `nftables` for the Linux router. */
export function firewallScope(platform: FirewallPlatform): string {
  return FIREWALL[platform];
}

const OWN_FILES = new Set(['beelab.yaml', 'beelab.lock.yaml', 'versions.yaml']);
const CI_FILES = new Set(['renovate.json', '.gitignore']);

/**
 * The scope of a file of the site repository, from its path alone so a new layer's folder needs no entry:
 * a top-level folder is its own scope (`talos/`, `compose/`, `backup/`), `network/<platform>/` is the
 * platform's, docs and runbooks are `docs`, the CI and update files are `ci`.
 */
export function pathScope(path: string): string {
  const [top = path, second] = path.split('/');
  if (OWN_FILES.has(path) || top === '.beelab' || top === 'overrides') return BEELAB_SCOPE;
  if (CI_FILES.has(path) || top === '.github' || top === '.forgejo') return 'ci';
  if (top === 'README.md' || top === 'docs' || top === 'runbooks') return 'docs';
  if (top === 'ansible' || top === '.ansible-lint') return 'ansible';
  if (top === 'network' && second && path.includes('/', top.length + 1)) {
    return second in FIREWALL ? FIREWALL[second as FirewallPlatform] : second;
  }
  if (second === undefined) return top.replace(/^\./, '').replace(/\.[^.]*$/, '') || BEELAB_SCOPE;
  return top.replace(/^\./, '');
}

/** Which tool's files each single-valued version lands in (a new key of the catalog is a compile error here). */
export const SCALAR_SCOPES: Record<ScalarVersion, string> = {
  talos: 'talos',
  talosSchematic: 'talos',
  kubernetes: 'talos',
  k3s: 'k3s',
  cilium: 'k3s',
  metallb: 'k3s',
  kubeVip: 'k3s',
  localPathProvisioner: 'talos',
  busybox: 'talos',
  ollama: 'ai',
  llamaCpp: 'ai',
  mlxLm: 'ai',
  litellm: 'ai',
  // The monitor's exporters: their versions are the observability playbook's play variables.
  pveExporter: 'ansible',
  pbsExporter: 'ansible',
  nutExporter: 'ansible',
  forgejoRunner: 'ai',
};

const PLACEMENT_SCOPES: Record<AppPlacement, string> = {
  compose: 'compose',
  devops: 'k3s',
  production: 'talos',
};

/** The scope of a service's files: where an app is placed (compose, k3s, talos), else its layer's folder. */
export function serviceScope(service: Pick<Service, 'layer' | 'placement'>): string {
  if (service.placement) return PLACEMENT_SCOPES[service.placement];
  return LAYER_SCOPES[service.layer] ?? service.layer;
}

/** Layers whose files live under a tool's name rather than the layer's. */
const LAYER_SCOPES: Record<string, string> = {
  physical: 'ansible',
  observability: 'monitoring',
  devops: BEELAB_SCOPE,
  orchestration: 'compose',
};

/**
 * The service an entry of `versions.images` belongs to: the catalog key is the service's name, or its name
 * and a companion (`immich-postgres`); the longest matching name wins.
 */
export function imageService(site: Pick<Site, 'services'>, key: string): Service | undefined {
  let best: Service | undefined;
  for (const s of site.services) {
    if (key !== s.name && !key.startsWith(`${s.name}-`)) continue;
    if (!best || s.name.length > best.name.length) best = s;
  }
  return best;
}

/** The scope of an image of the versions catalog: its service's, `compose` when no service claims it. */
export function imageScope(site: Pick<Site, 'services'>, key: string): string {
  const s = imageService(site, key);
  return s ? serviceScope(s) : 'compose';
}
