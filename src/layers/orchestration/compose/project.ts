// One app's compose.yaml: its containers with pinned images, health checks, limits, the pool's data directories
// and secrets from the `.env` that `beelab apply` writes. Written for Compose v2 and Debian's docker-compose 1.29
// alike: no top-level `name`, `include` or `develop`, limits as `mem_limit`/`cpus`.
import { type AppContainer, appSecretVar, expandAppValue } from '../../../catalog/apps.ts';
import type { Site } from '../../../site/types.ts';
import { GENERATED_NOTICE, toYaml } from '../../../tree/serialize/index.ts';
import { APPS_DATA_ROOT, type ComposeApp } from './apps.ts';

/** Why a variable may be missing: compose refuses to start rather than run with an empty secret. */
const ENV_REQUIRED = 'is written to .env by beelab apply';

/** A catalog value for this app's Compose project: secrets are `.env` variables compose requires. */
function expand(value: string, a: ComposeApp, site: Site): string {
  return expandAppValue(a.app, value, {
    url: a.url,
    fqdn: a.service.fqdn!,
    tz: site.timezone,
    secret: (name) => `\${${appSecretVar(name)}:?${ENV_REQUIRED}}`,
  });
}

/** `host:container` port mappings: the app's ports on its host's address, where the proxy and probes reach them. */
function ports(c: AppContainer, a: ComposeApp): string[] {
  return Object.entries(c.ports ?? {}).map(([name, inside]) => {
    const port = a.app.ports.find((p) => p.name === name);
    if (!port) throw new Error(`catalog: ${a.app.name}/${c.service} maps unknown port ${name}`);
    return `${a.host.address}:${port.port}:${inside}/${port.protocol}`;
  });
}

function container(c: AppContainer, a: ComposeApp, site: Site): Record<string, unknown> {
  const image = site.versions.images[c.image];
  if (!image) throw new Error(`composeProject: no pinned image ${c.image} (the versions rule reports it)`);
  const env = Object.entries(c.environment ?? {}).map(([k, v]) => [k, expand(v, a, site)] as const);
  const published = ports(c, a);
  return {
    image,
    restart: 'unless-stopped',
    ...(c.entrypoint ? { entrypoint: c.entrypoint } : {}),
    ...(c.command ? { command: c.command } : {}),
    ...(published.length ? { ports: published } : {}),
    ...(env.length ? { environment: Object.fromEntries(env) } : {}),
    ...(c.volumes?.length
      ? { volumes: c.volumes.map((v) => `${APPS_DATA_ROOT}/${a.app.name}/${v.dir}:${v.target}`) }
      : {}),
    ...(c.dependsOn?.length
      ? { depends_on: Object.fromEntries(c.dependsOn.map((d) => [d, { condition: 'service_healthy' }])) }
      : {}),
    healthcheck: {
      test: c.healthcheck,
      interval: '30s',
      timeout: '10s',
      retries: 5,
      start_period: `${c.startPeriodS ?? 30}s`,
    },
    mem_limit: `${c.memoryMb}m`,
    cpus: c.cpus,
    ...(c.shmSizeMb ? { shm_size: `${c.shmSizeMb}m` } : {}),
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
  };
}

/** The images an app needs that the versions catalog does not pin (none: it can be rendered). */
export function unpinnedImages(a: Pick<ComposeApp, 'app'>, site: Site): string[] {
  return a.app.containers.map((c) => c.image).filter((key) => !site.versions.images[key]);
}

/** compose.yaml of one app. */
export function composeProject(a: ComposeApp, site: Site): string {
  const services = Object.fromEntries(a.app.containers.map((c) => [c.service, container(c, a, site)]));
  const header = [
    GENERATED_NOTICE,
    '',
    `${a.app.description} at ${a.url}, on ${a.host.name}. Data: ${APPS_DATA_ROOT}/${a.app.name}/.`,
    'Images are pinned in versions.yaml; secrets come from .env (mode 0600), written by `beelab apply` only.',
  ].join('\n');
  return toYaml({ services }, { header });
}
