// The app catalog: every app a user can name in beelab.yaml, declared once with what every layer needs.
// Images are not here: each container names its key in the versions catalog (versions.ts), where it is pinned
// by digest.

/** A port an app listens on (the same shape as the Site's Port; the catalog depends on nothing). */
export interface AppPort {
  name: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

/** A secret an app needs, generated once by `beelab apply` as `<app>-<name>` and given to it in `.env`. */
export interface AppSecret {
  /** Lower case and dashes, e.g. `db-password`; the `.env` variable is its upper-case form, `DB_PASSWORD`. */
  name: string;
  kind: 'password' | 'token' | 'key';
  description: string;
}

/**
 * One container of an app's Compose project. Environment values may use `{url}` (https://<fqdn>), `{fqdn}`,
 * `{tz}` (the site's timezone) and `{secret:NAME}` (one of the app's secrets, from `.env` at apply time).
 */
export interface AppContainer {
  /** Service name in compose.yaml, e.g. `server`, `database`, `cache`; also its host name on the app's network. */
  service: string;
  /** Key of its image in the versions catalog (versions.yaml `images`). */
  image: string;
  /** The app's ports this container serves: app port name → port inside the container. */
  ports?: Record<string, number>;
  environment?: Record<string, string>;
  /**
   * Data directories (under the app's data root on the storage pool) and where they are mounted; `uid` owns the
   * directory when the container does not start as root (default: root).
   */
  volumes?: { dir: string; target: string; uid?: number }[];
  /** Compose `healthcheck.test`: a command that exits 0 when the container is healthy. */
  healthcheck: string[];
  /** Seconds the container may take to start before failed health checks count. Default 30. */
  startPeriodS?: number;
  /** Hard memory limit (MB) and CPU share (cores). */
  memoryMb: number;
  cpus: number;
  /** Services that must be healthy before this one starts. */
  dependsOn?: string[];
  entrypoint?: string[];
  command?: string[];
  shmSizeMb?: number;
}

export interface CatalogApp {
  name: string;
  description: string;
  ports: AppPort[];
  /** Subdomain under the site domain served by the reverse proxy. */
  subdomain: string;
  /** Port name the reverse proxy forwards to. */
  web: string;
  health: { port: string; path: string; expect?: number };
  metrics?: { port: string; path: string };
  /** Data directories (relative to the app's data root) that backups must cover. */
  volumes: string[];
  /** Its Compose project: the app's own container first, then companions (database, cache, ...). */
  containers: AppContainer[];
  secrets: AppSecret[];
}

const http = (port: number, name = 'http'): AppPort => ({ name, port, protocol: 'tcp' });
const pgReady = (user: string, db: string) => ['CMD-SHELL', `pg_isready -U ${user} -d ${db}`];
const curlOk = (url: string) => ['CMD-SHELL', `curl -fsS -o /dev/null ${url} || exit 1`];
const valkeyPing = ['CMD', 'valkey-cli', 'ping'];
const dbPassword: AppSecret = {
  name: 'db-password',
  kind: 'password',
  description: 'password of its database user',
};

/** A PostgreSQL companion whose data lives in the app's `postgres` directory. */
function postgres(image: string, db: string, memoryMb = 512): AppContainer {
  return {
    service: 'database',
    image,
    environment: {
      POSTGRES_USER: db,
      POSTGRES_DB: db,
      POSTGRES_PASSWORD: '{secret:db-password}',
      POSTGRES_INITDB_ARGS: '--data-checksums',
    },
    volumes: [{ dir: 'postgres', target: '/var/lib/postgresql/data' }],
    healthcheck: pgReady(db, db),
    memoryMb,
    cpus: 1,
    shmSizeMb: 128,
  };
}

/** A Valkey (Redis-compatible) cache; it keeps nothing worth a backup. */
function valkey(image: string): AppContainer {
  return {
    service: 'cache',
    image,
    command: ['valkey-server', '--save', '', '--appendonly', 'no'],
    healthcheck: valkeyPing,
    memoryMb: 256,
    cpus: 0.5,
  };
}

export const APP_CATALOG: readonly CatalogApp[] = [
  {
    name: 'immich',
    description: 'Photo and video library',
    ports: [http(2283)],
    subdomain: 'photos',
    web: 'http',
    health: { port: 'http', path: '/api/server/ping' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['library', 'postgres'],
    containers: [
      {
        service: 'server',
        image: 'immich',
        ports: { http: 2283 },
        environment: {
          DB_HOSTNAME: 'database',
          DB_USERNAME: 'immich',
          DB_DATABASE_NAME: 'immich',
          DB_PASSWORD: '{secret:db-password}',
          REDIS_HOSTNAME: 'cache',
          TZ: '{tz}',
        },
        volumes: [{ dir: 'library', target: '/data' }],
        healthcheck: ['CMD', 'immich-healthcheck'],
        startPeriodS: 60,
        memoryMb: 2048,
        cpus: 2,
        dependsOn: ['database', 'cache'],
      },
      {
        service: 'machine-learning',
        image: 'immich-machine-learning',
        volumes: [{ dir: 'model-cache', target: '/cache' }],
        healthcheck: [
          'CMD-SHELL',
          `python3 -c "import urllib.request; urllib.request.urlopen('http://localhost:3003/ping')"`,
        ],
        startPeriodS: 120,
        memoryMb: 2048,
        cpus: 2,
      },
      postgres('immich-postgres', 'immich', 1024),
      valkey('immich-valkey'),
    ],
    secrets: [dbPassword],
  },
  {
    name: 'vaultwarden',
    description: 'Password manager (Bitwarden-compatible)',
    ports: [http(8222)],
    subdomain: 'vault',
    web: 'http',
    health: { port: 'http', path: '/alive' },
    volumes: ['data'],
    containers: [
      {
        service: 'server',
        image: 'vaultwarden',
        ports: { http: 80 },
        environment: { DOMAIN: '{url}', TZ: '{tz}' },
        volumes: [{ dir: 'data', target: '/data' }],
        healthcheck: ['CMD', '/healthcheck.sh'],
        memoryMb: 256,
        cpus: 1,
      },
    ],
    secrets: [],
  },
  {
    name: 'paperless-ngx',
    description: 'Document archive with OCR',
    ports: [http(8000)],
    subdomain: 'docs',
    web: 'http',
    health: { port: 'http', path: '/api/', expect: 401 },
    volumes: ['data', 'media', 'consume', 'postgres'],
    containers: [
      {
        service: 'webserver',
        image: 'paperless-ngx',
        ports: { http: 8000 },
        environment: {
          PAPERLESS_URL: '{url}',
          PAPERLESS_TIME_ZONE: '{tz}',
          PAPERLESS_REDIS: 'redis://cache:6379',
          PAPERLESS_DBHOST: 'database',
          PAPERLESS_DBUSER: 'paperless',
          PAPERLESS_DBNAME: 'paperless',
          PAPERLESS_DBPASS: '{secret:db-password}',
          PAPERLESS_SECRET_KEY: '{secret:secret-key}',
        },
        volumes: [
          { dir: 'data', target: '/usr/src/paperless/data' },
          { dir: 'media', target: '/usr/src/paperless/media' },
          { dir: 'consume', target: '/usr/src/paperless/consume' },
        ],
        healthcheck: curlOk('http://localhost:8000'),
        startPeriodS: 90,
        memoryMb: 2048,
        cpus: 2,
        dependsOn: ['database', 'cache'],
      },
      postgres('paperless-ngx-postgres', 'paperless'),
      valkey('paperless-ngx-valkey'),
    ],
    secrets: [
      dbPassword,
      { name: 'secret-key', kind: 'key', description: 'Django secret key (sessions, tokens)' },
    ],
  },
  {
    name: 'jellyfin',
    description: 'Media server',
    ports: [http(8096)],
    subdomain: 'media',
    web: 'http',
    health: { port: 'http', path: '/health' },
    volumes: ['config'],
    containers: [
      {
        service: 'server',
        image: 'jellyfin',
        ports: { http: 8096 },
        environment: { JELLYFIN_PublishedServerUrl: '{url}', TZ: '{tz}' },
        volumes: [
          { dir: 'config', target: '/config' },
          { dir: 'cache', target: '/cache' },
          { dir: 'media', target: '/media' },
        ],
        healthcheck: curlOk('http://localhost:8096/health'),
        startPeriodS: 60,
        memoryMb: 2048,
        cpus: 2,
      },
    ],
    secrets: [],
  },
  {
    name: 'home-assistant',
    description: 'Home automation',
    ports: [http(8123)],
    subdomain: 'home',
    web: 'http',
    health: { port: 'http', path: '/manifest.json' },
    volumes: ['config'],
    containers: [
      {
        service: 'server',
        image: 'home-assistant',
        ports: { http: 8123 },
        environment: { TZ: '{tz}' },
        volumes: [{ dir: 'config', target: '/config' }],
        healthcheck: curlOk('http://localhost:8123/manifest.json'),
        startPeriodS: 120,
        memoryMb: 1024,
        cpus: 1,
      },
    ],
    secrets: [],
  },
  {
    name: 'uptime-kuma',
    description: 'Uptime monitor and status page',
    ports: [http(3001)],
    subdomain: 'uptime',
    web: 'http',
    health: { port: 'http', path: '/api/entry-page' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['data'],
    containers: [
      {
        service: 'server',
        image: 'uptime-kuma',
        ports: { http: 3001 },
        environment: { TZ: '{tz}' },
        volumes: [{ dir: 'data', target: '/app/data' }],
        healthcheck: curlOk('http://localhost:3001/api/entry-page'),
        startPeriodS: 60,
        memoryMb: 512,
        cpus: 1,
      },
    ],
    secrets: [],
  },
  {
    name: 'forgejo',
    description: 'Git forge and CI for the generated repository',
    ports: [http(3000), { name: 'ssh', port: 2222, protocol: 'tcp' }],
    subdomain: 'git',
    web: 'http',
    health: { port: 'http', path: '/api/healthz' },
    metrics: { port: 'http', path: '/metrics' },
    volumes: ['data', 'config'],
    containers: [
      {
        service: 'server',
        image: 'forgejo',
        // The rootless image serves HTTP on 3000 and its own SSH server on 2222.
        ports: { http: 3000, ssh: 2222 },
        environment: {
          FORGEJO__server__ROOT_URL: '{url}/',
          FORGEJO__server__SSH_DOMAIN: '{fqdn}',
          FORGEJO__server__SSH_PORT: '2222',
          FORGEJO__database__DB_TYPE: 'sqlite3',
          FORGEJO__metrics__ENABLED: 'true',
        },
        volumes: [
          { dir: 'data', target: '/var/lib/gitea', uid: 1000 },
          { dir: 'config', target: '/etc/gitea', uid: 1000 },
        ],
        healthcheck: curlOk('http://localhost:3000/api/healthz'),
        memoryMb: 1024,
        cpus: 2,
      },
    ],
    secrets: [],
  },
  {
    name: 'nextcloud',
    description: 'Files, calendar and contacts',
    ports: [http(8080)],
    subdomain: 'cloud',
    web: 'http',
    health: { port: 'http', path: '/status.php' },
    volumes: ['html', 'data', 'postgres'],
    containers: [
      {
        service: 'server',
        image: 'nextcloud',
        ports: { http: 80 },
        environment: {
          POSTGRES_HOST: 'database',
          POSTGRES_DB: 'nextcloud',
          POSTGRES_USER: 'nextcloud',
          POSTGRES_PASSWORD: '{secret:db-password}',
          REDIS_HOST: 'cache',
          NEXTCLOUD_ADMIN_USER: 'admin',
          NEXTCLOUD_ADMIN_PASSWORD: '{secret:admin-password}',
          NEXTCLOUD_TRUSTED_DOMAINS: '{fqdn}',
          OVERWRITEPROTOCOL: 'https',
          OVERWRITECLIURL: '{url}',
          TRUSTED_PROXIES: '127.0.0.1 172.16.0.0/12',
        },
        volumes: [
          { dir: 'html', target: '/var/www/html' },
          { dir: 'data', target: '/var/www/html/data' },
        ],
        healthcheck: curlOk('http://localhost/status.php'),
        startPeriodS: 120,
        memoryMb: 2048,
        cpus: 2,
        dependsOn: ['database', 'cache'],
      },
      postgres('nextcloud-postgres', 'nextcloud'),
      valkey('nextcloud-valkey'),
    ],
    secrets: [
      dbPassword,
      { name: 'admin-password', kind: 'password', description: 'password of the first admin account' },
    ],
  },
  {
    name: 'seafile',
    description: 'File sync overlay on the storage pool',
    ports: [http(8082)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/api2/ping/' },
    volumes: ['shared', 'mariadb'],
    containers: [
      {
        service: 'server',
        image: 'seafile',
        ports: { http: 80 },
        environment: {
          SEAFILE_SERVER_HOSTNAME: '{fqdn}',
          SEAFILE_SERVER_PROTOCOL: 'https',
          SEAFILE_MYSQL_DB_HOST: 'database',
          SEAFILE_MYSQL_DB_USER: 'seafile',
          SEAFILE_MYSQL_DB_PASSWORD: '{secret:db-password}',
          INIT_SEAFILE_MYSQL_ROOT_PASSWORD: '{secret:db-root-password}',
          INIT_SEAFILE_ADMIN_PASSWORD: '{secret:admin-password}',
          JWT_PRIVATE_KEY: '{secret:jwt-key}',
          CACHE_PROVIDER: 'redis',
          REDIS_HOST: 'cache',
          TIME_ZONE: '{tz}',
          ENABLE_SEADOC: 'false',
        },
        volumes: [{ dir: 'shared', target: '/shared' }],
        healthcheck: curlOk('http://localhost/api2/ping/'),
        startPeriodS: 180,
        memoryMb: 2048,
        cpus: 2,
        dependsOn: ['database', 'cache'],
      },
      {
        service: 'database',
        image: 'seafile-mariadb',
        environment: {
          MYSQL_ROOT_PASSWORD: '{secret:db-root-password}',
          MARIADB_AUTO_UPGRADE: '1',
        },
        volumes: [{ dir: 'mariadb', target: '/var/lib/mysql' }],
        healthcheck: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        memoryMb: 1024,
        cpus: 1,
      },
      valkey('seafile-valkey'),
    ],
    secrets: [
      dbPassword,
      { name: 'db-root-password', kind: 'password', description: 'MariaDB root password' },
      { name: 'admin-password', kind: 'password', description: 'password of the first admin account' },
      { name: 'jwt-key', kind: 'token', description: 'key Seafile signs its tokens with' },
    ],
  },
  {
    name: 'owncloud',
    description: 'File sync overlay on the storage pool (ownCloud Infinite Scale)',
    ports: [http(9200)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/healthz' },
    volumes: ['config', 'data'],
    containers: [
      {
        service: 'server',
        image: 'owncloud',
        ports: { http: 9200 },
        environment: {
          OCIS_URL: '{url}',
          PROXY_TLS: 'false',
          OCIS_INSECURE: 'false',
          IDM_ADMIN_PASSWORD: '{secret:admin-password}',
        },
        // The first start writes its config (with random internal secrets); later starts keep it.
        entrypoint: ['/bin/sh'],
        command: ['-c', 'ocis init || true; exec ocis server'],
        volumes: [
          { dir: 'config', target: '/etc/ocis' },
          { dir: 'data', target: '/var/lib/ocis' },
        ],
        healthcheck: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:9200/ || exit 1'],
        memoryMb: 1024,
        cpus: 2,
      },
    ],
    secrets: [{ name: 'admin-password', kind: 'password', description: 'password of the admin account' }],
  },
  {
    name: 'opencloud',
    description: 'File sync overlay on the storage pool (OpenCloud)',
    ports: [http(9200)],
    subdomain: 'files',
    web: 'http',
    health: { port: 'http', path: '/healthz' },
    volumes: ['config', 'data'],
    containers: [
      {
        service: 'server',
        image: 'opencloud',
        ports: { http: 9200 },
        environment: {
          OC_URL: '{url}',
          PROXY_TLS: 'false',
          OC_INSECURE: 'false',
          IDM_ADMIN_PASSWORD: '{secret:admin-password}',
        },
        entrypoint: ['/bin/sh'],
        command: ['-c', 'opencloud init || true; exec opencloud server'],
        volumes: [
          { dir: 'config', target: '/etc/opencloud' },
          { dir: 'data', target: '/var/lib/opencloud' },
        ],
        healthcheck: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:9200/ || exit 1'],
        memoryMb: 1024,
        cpus: 2,
      },
    ],
    secrets: [{ name: 'admin-password', kind: 'password', description: 'password of the admin account' }],
  },
];

export function findApp(name: string): CatalogApp | undefined {
  return APP_CATALOG.find((a) => a.name === name);
}

/** Memory the app's containers may use together (MB), for capacity checks. */
export function appMemoryMb(app: CatalogApp): number {
  return app.containers.reduce((sum, c) => sum + c.memoryMb, 0);
}

/** The secret store's name of one app secret: `immich-db-password`. */
export function appSecretName(app: CatalogApp, secret: string): string {
  return `${app.name}-${secret}`;
}

/** The `.env` variable of an app secret: `db-password` → `DB_PASSWORD`. */
export function appSecretVar(secret: string): string {
  return secret.toUpperCase().replace(/-/g, '_');
}

/** What a catalog environment value's placeholders stand for where the app runs. */
export interface AppValueContext {
  /** https://<fqdn> */
  url: string;
  fqdn: string;
  /** The site's timezone. */
  tz: string;
  /** How the runtime reads one of the app's secrets (a `.env` variable, a Kubernetes Secret key, ...). */
  secret: (name: string) => string;
}

/**
 * A catalog value with `{url}`, `{fqdn}`, `{tz}` and `{secret:NAME}` filled in. A secret the app does not declare is
 * a catalog bug (thrown), never the user's.
 */
export function expandAppValue(app: CatalogApp, value: string, ctx: AppValueContext): string {
  return value.replace(/\{(url|fqdn|tz|secret:([a-z0-9-]+))\}/g, (_, key: string, secret?: string) => {
    if (secret) {
      if (!app.secrets.some((s) => s.name === secret))
        throw new Error(`catalog: ${app.name} uses {secret:${secret}} but declares no such secret`);
      return ctx.secret(secret);
    }
    if (key === 'url') return ctx.url;
    if (key === 'fqdn') return ctx.fqdn;
    return ctx.tz;
  });
}
