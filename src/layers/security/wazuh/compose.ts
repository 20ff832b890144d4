// The Wazuh manager's single-node Docker Compose deployment (as wazuh-docker's single-node/), images pinned by
// digest from the versions catalog, plus the certificate generator run once before it and its certs.yml.
import { imageOf } from '../../../catalog/versions.ts';
import type { Host, Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE, toYaml } from '../../../tree/serialize/index.ts';

export const WAZUH_DIR = 'security/wazuh';
export const WAZUH_COMPOSE = `${WAZUH_DIR}/compose.yaml`;
export const WAZUH_CERTS_COMPOSE = `${WAZUH_DIR}/compose.certs.yml`;
/** Where the playbook installs the project on the security node. */
export const WAZUH_REMOTE_DIR = '/opt/beelab/wazuh';

const CERTS = './config/wazuh_indexer_ssl_certs';
/** Secrets the compose project reads from its environment at `up` (the security playbook passes them). */
export const WAZUH_ENV = ['INDEXER_PASSWORD', 'API_PASSWORD', 'DASHBOARD_PASSWORD'] as const;

export function wazuhManagerHost(site: Site): Host | undefined {
  return site.hosts.find((h) => h.roles.includes('wazuh_manager'));
}

function compose(site: Site): unknown {
  const v = site.versions;
  const cert = (file: string, to: string) => `${CERTS}/${file}:${to}:ro`;
  return {
    services: {
      'wazuh.manager': {
        image: imageOf(v, 'wazuh-manager'),
        hostname: 'wazuh.manager',
        restart: 'always',
        ulimits: { memlock: { soft: -1, hard: -1 }, nofile: { soft: 655360, hard: 655360 } },
        // Agents (1514), enrollment (1515), the API (55000): the ports of the catalog's wazuh services.
        ports: ['1514:1514', '1515:1515', '55000:55000'],
        environment: {
          INDEXER_URL: 'https://wazuh.indexer:9200',
          INDEXER_USERNAME: 'admin',
          INDEXER_PASSWORD: null,
          FILEBEAT_SSL_VERIFICATION_MODE: 'full',
          SSL_CERTIFICATE_AUTHORITIES: '/etc/ssl/root-ca.pem',
          SSL_CERTIFICATE: '/etc/ssl/filebeat.pem',
          SSL_KEY: '/etc/ssl/filebeat.key',
          API_USERNAME: 'wazuh-wui',
          API_PASSWORD: null,
        },
        volumes: [
          'wazuh_api_configuration:/var/ossec/api/configuration',
          'wazuh_etc:/var/ossec/etc',
          'wazuh_logs:/var/ossec/logs',
          'wazuh_queue:/var/ossec/queue',
          'wazuh_var_multigroups:/var/ossec/var/multigroups',
          'wazuh_integrations:/var/ossec/integrations',
          'wazuh_active_response:/var/ossec/active-response/bin',
          'wazuh_agentless:/var/ossec/agentless',
          'wazuh_wodles:/var/ossec/wodles',
          'filebeat_etc:/etc/filebeat',
          'filebeat_var:/var/lib/filebeat',
          cert('root-ca-manager.pem', '/etc/ssl/root-ca.pem'),
          cert('wazuh.manager.pem', '/etc/ssl/filebeat.pem'),
          cert('wazuh.manager-key.pem', '/etc/ssl/filebeat.key'),
        ],
        depends_on: ['wazuh.indexer'],
      },
      'wazuh.indexer': {
        image: imageOf(v, 'wazuh-indexer'),
        hostname: 'wazuh.indexer',
        restart: 'always',
        // Only the manager and the dashboard talk to the indexer: it publishes no port.
        environment: { OPENSEARCH_JAVA_OPTS: '-Xms1g -Xmx1g' },
        ulimits: { memlock: { soft: -1, hard: -1 }, nofile: { soft: 65536, hard: 65536 } },
        volumes: [
          'wazuh-indexer-data:/var/lib/wazuh-indexer',
          // Written by the security playbook: the admin and dashboard users, hashed from the secret.
          './config/wazuh_indexer/internal_users.yml:/usr/share/wazuh-indexer/opensearch-security/internal_users.yml:ro',
          cert('root-ca.pem', '/usr/share/wazuh-indexer/certs/root-ca.pem'),
          cert('wazuh.indexer-key.pem', '/usr/share/wazuh-indexer/certs/wazuh.indexer.key'),
          cert('wazuh.indexer.pem', '/usr/share/wazuh-indexer/certs/wazuh.indexer.pem'),
          cert('admin.pem', '/usr/share/wazuh-indexer/certs/admin.pem'),
          cert('admin-key.pem', '/usr/share/wazuh-indexer/certs/admin-key.pem'),
        ],
      },
      'wazuh.dashboard': {
        image: imageOf(v, 'wazuh-dashboard'),
        hostname: 'wazuh.dashboard',
        restart: 'always',
        ports: ['443:5601'],
        environment: {
          INDEXER_USERNAME: 'admin',
          INDEXER_PASSWORD: null,
          WAZUH_API_URL: 'https://wazuh.manager',
          DASHBOARD_USERNAME: 'kibanaserver',
          DASHBOARD_PASSWORD: null,
          API_USERNAME: 'wazuh-wui',
          API_PASSWORD: null,
        },
        volumes: [
          'wazuh-dashboard-config:/usr/share/wazuh-dashboard/data/wazuh/config',
          'wazuh-dashboard-custom:/usr/share/wazuh-dashboard/plugins/wazuh/public/assets/custom',
          cert('wazuh.dashboard.pem', '/usr/share/wazuh-dashboard/certs/wazuh-dashboard.pem'),
          cert('wazuh.dashboard-key.pem', '/usr/share/wazuh-dashboard/certs/wazuh-dashboard-key.pem'),
          cert('root-ca.pem', '/usr/share/wazuh-dashboard/certs/root-ca.pem'),
        ],
        depends_on: ['wazuh.indexer'],
      },
    },
    volumes: Object.fromEntries(
      [
        'wazuh_api_configuration',
        'wazuh_etc',
        'wazuh_logs',
        'wazuh_queue',
        'wazuh_var_multigroups',
        'wazuh_integrations',
        'wazuh_active_response',
        'wazuh_agentless',
        'wazuh_wodles',
        'filebeat_etc',
        'filebeat_var',
        'wazuh-indexer-data',
        'wazuh-dashboard-config',
        'wazuh-dashboard-custom',
      ].map((n) => [n, {}]),
    ),
  };
}

function certsCompose(site: Site): unknown {
  return {
    services: {
      generator: {
        image: imageOf(site.versions, 'wazuh-certs-generator'),
        hostname: 'wazuh-certs-generator',
        volumes: [`${CERTS}/:/certificates/`, './config/certs.yml:/config/certs.yml:ro'],
      },
    },
  };
}

/** The generator's input: every node by name (the compose service names) and the security node's address. */
function certsYml(host: Host): unknown {
  return {
    nodes: {
      indexer: [{ name: 'wazuh.indexer', ip: 'wazuh.indexer' }],
      server: [{ name: 'wazuh.manager', ip: 'wazuh.manager' }],
      dashboard: [{ name: 'wazuh.dashboard', ip: host.address }],
    },
  };
}

export function renderWazuhManager(site: Site): FileTree {
  const tree = new FileTree();
  const host = wazuhManagerHost(site);
  if (!host) return tree;
  const header = (what: string) => `${GENERATED_NOTICE}\n\n${what}`;
  tree.add(
    WAZUH_COMPOSE,
    toYaml(compose(site), {
      header: header(
        `Wazuh manager, indexer and dashboard on ${host.name} (single node). Installed in ${WAZUH_REMOTE_DIR} by\n` +
          `ansible/playbooks/security.yml, which passes ${WAZUH_ENV.join(', ')} from the secrets.`,
      ),
    }),
    'security',
  );
  tree.add(
    WAZUH_CERTS_COMPOSE,
    toYaml(certsCompose(site), {
      header: header(
        'Run once before the first start: docker-compose -f compose.certs.yml run --rm generator',
      ),
    }),
    'security',
  );
  tree.add(
    `${WAZUH_DIR}/config/certs.yml`,
    toYaml(certsYml(host), { header: header('The nodes the certificate generator makes certificates for.') }),
    'security',
  );
  return tree;
}
