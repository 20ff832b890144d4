// The app catalog: every app a user can name in beelab.yaml, declared once with what every layer needs.

/** A port an app listens on (the same shape as the Site's Port; the catalog depends on nothing). */
export interface AppPort {
  name: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

export interface CatalogApp {
  name: string;
  description: string;
  image: string;
  /** Pinned default version (image tag). */
  version: string;
  ports: AppPort[];
  /** Subdomain under the site domain served by the reverse proxy. */
  subdomain: string;
  /** Port name the reverse proxy forwards to. */
  web: string;
  health: { port: string; path: string; expect?: number };
  metrics?: { port: string; path: string };
  /** Data directories (relative to the app's data root) that backups must cover. */
  volumes: string[];
  /** Memory the app needs, for capacity checks. */
  memoryMb: number;
}

const http = (port: number, name = 'http'): AppPort => ({ name, port, protocol: 'tcp' });

export const APP_CATALOG: readonly CatalogApp[] = [
  {
    name: 'immich',
    description: 'Photo and video library',
    image: 'ghcr.io/immich-app/immich-server',
    version: 'v2.3.1',
    ports: [http(2283)],
    subdomain: 'photos',
    web: 'http',
    health: { port: 'http', path: '/api/server/ping' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['library', 'postgres'],
    memoryMb: 4096,
  },
  {
    name: 'vaultwarden',
    description: 'Password manager (Bitwarden-compatible)',
    image: 'docker.io/vaultwarden/server',
    version: '1.34.3',
    ports: [http(8222)],
    subdomain: 'vault',
    web: 'http',
    health: { port: 'http', path: '/alive' },
    volumes: ['data'],
    memoryMb: 256,
  },
  {
    name: 'paperless-ngx',
    description: 'Document archive with OCR',
    image: 'ghcr.io/paperless-ngx/paperless-ngx',
    version: '2.18.4',
    ports: [http(8000)],
    subdomain: 'docs',
    web: 'http',
    health: { port: 'http', path: '/api/', expect: 401 },
    volumes: ['data', 'media', 'consume'],
    memoryMb: 2048,
  },
  {
    name: 'jellyfin',
    description: 'Media server',
    image: 'docker.io/jellyfin/jellyfin',
    version: '10.11.2',
    ports: [http(8096)],
    subdomain: 'media',
    web: 'http',
    health: { port: 'http', path: '/health' },
    volumes: ['config'],
    memoryMb: 2048,
  },
  {
    name: 'home-assistant',
    description: 'Home automation',
    image: 'ghcr.io/home-assistant/home-assistant',
    version: '2025.11.3',
    ports: [http(8123)],
    subdomain: 'home',
    web: 'http',
    health: { port: 'http', path: '/manifest.json' },
    volumes: ['config'],
    memoryMb: 1024,
  },
  {
    name: 'uptime-kuma',
    description: 'Uptime monitor and status page',
    image: 'docker.io/louislam/uptime-kuma',
    version: '2.0.2',
    ports: [http(3001)],
    subdomain: 'uptime',
    web: 'http',
    health: { port: 'http', path: '/api/entry-page' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['data'],
    memoryMb: 256,
  },
  {
    name: 'forgejo',
    description: 'Git forge and CI for the generated repository',
    image: 'codeberg.org/forgejo/forgejo',
    version: '13.0.2',
    ports: [http(3000), { name: 'ssh', port: 2222, protocol: 'tcp' }],
    subdomain: 'git',
    web: 'http',
    health: { port: 'http', path: '/api/healthz' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['data'],
    memoryMb: 1024,
  },
  {
    name: 'nextcloud',
    description: 'Files, calendar and contacts',
    image: 'docker.io/library/nextcloud',
    version: '32.0.1-apache',
    ports: [http(8080)],
    subdomain: 'cloud',
    web: 'http',
    health: { port: 'http', path: '/status.php' },
    volumes: ['html', 'data', 'db'],
    memoryMb: 2048,
  },
  {
    name: 'seafile',
    description: 'File sync overlay on the storage pool',
    image: 'docker.io/seafileltd/seafile-mc',
    version: '13.0-latest',
    ports: [http(8082)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/api2/ping/' },
    volumes: ['shared', 'db'],
    memoryMb: 2048,
  },
  {
    name: 'owncloud',
    description: 'File sync overlay on the storage pool (ownCloud Infinite Scale)',
    image: 'docker.io/owncloud/ocis',
    version: '7.3.1',
    ports: [http(9200)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/healthz' },
    volumes: ['config', 'data'],
    memoryMb: 1024,
  },
  {
    name: 'opencloud',
    description: 'File sync overlay on the storage pool (OpenCloud)',
    image: 'docker.io/opencloudeu/opencloud-rolling',
    version: '4.0.0',
    ports: [http(9200)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/healthz' },
    volumes: ['config', 'data'],
    memoryMb: 1024,
  },
];

export function findApp(name: string): CatalogApp | undefined {
  return APP_CATALOG.find((a) => a.name === name);
}
