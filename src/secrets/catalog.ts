// Which secrets a Site needs: generated once by `beelab apply`, never by a re-render.
import { randomBytes } from 'node:crypto';
import { ACME_DNS_PROVIDERS, ACME_DNS_TOKEN_SECRET } from '../catalog/acme.ts';
import { appSecretName, findApp } from '../catalog/apps.ts';
import { forgejoUrl, RUNNER_TOKEN_SECRET, runnerNodes } from '../layers/ai/runners.ts';
import {
  PBS_ENCRYPTION_SECRET,
  PBS_EXPORTER_SECRET,
  PBS_EXPORTER_USER,
  pveTokenSecret,
  syncTokenSecret,
} from '../layers/backup/model.ts';
import { RESTIC_SECRET } from '../layers/backup/restic.ts';
import { SMTP_PASSWORD_SECRET } from '../layers/observability/monitoring/alertmanager-config.ts';
import { proxiedByHost } from '../layers/orchestration/caddy/caddyfile.ts';
import { clusterApps } from '../layers/orchestration/kube/apps.ts';
import { CLUSTER_APPS_CA, caToolArgs } from '../layers/orchestration/kube/secrets.ts';
import { honeypotHost, TPOT_WEB_SECRET, TPOT_WEB_USER } from '../layers/security/tpot.ts';
import type { Site } from '../site/types.ts';

/**
 * Random values of a form; `talos-secrets`, the bundle `talosctl gen secrets` makes (CAs, keys, tokens);
 * `ssh-key`, an OpenSSH private key `ssh-keygen` makes; `tls-ca`, a certificate authority's key and certificate
 * (PEM) made by openssl; and `issued`, a credential another system issues (OPNsense's API key and secret), stored
 * with `beelab secrets set`.
 */
export const SECRET_KINDS = [
  'password',
  'token',
  'api-key',
  'key',
  'talos-secrets',
  'ssh-key',
  'tls-ca',
  'issued',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];
/** The kinds Beelab makes from randomness itself. */
export type RandomKind = Exclude<SecretKind, 'talos-secrets' | 'ssh-key' | 'tls-ca' | 'issued'>;

/** A secret a tool makes: the command that writes it to the file OUT, and how to install the tool. */
export interface SecretTool {
  command: string;
  args(out: string): string[];
  installHint: string;
}

export const SECRET_TOOLS: Record<Exclude<SecretKind, RandomKind | 'issued'>, SecretTool> = {
  'talos-secrets': {
    command: 'talosctl',
    args: (out) => ['gen', 'secrets', '--output-file', out],
    installHint:
      "install talosctl of the site's Talos version (https://www.talos.dev/latest/talos-guides/install/talosctl/)",
  },
  'ssh-key': {
    command: 'ssh-keygen',
    // Ed25519, no passphrase (the age encryption of secrets/ protects it); ssh-keygen also writes OUT.pub.
    args: (out) => ['-q', '-t', 'ed25519', '-N', '', '-C', 'beelab-drift', '-f', out],
    installHint: 'apt-get install openssh-client',
  },
  'tls-ca': {
    command: 'openssl',
    args: caToolArgs,
    installHint: 'install openssl (apt-get install openssl)',
  },
};

export function isRandomKind(kind: SecretKind): kind is RandomKind {
  return kind !== 'issued' && !(kind in SECRET_TOOLS);
}

export interface SecretDef {
  /** File name under secrets/ without `.age`: lower case, digits, dashes. */
  name: string;
  kind: SecretKind;
  description: string;
  /** Who or what uses it, for the recovery kit. */
  usedBy: string;
  /** For an `issued` secret: where to get it and how to store it. */
  issuedBy?: string;
  /** For an `issued` secret: what is wrong with a value given to `beelab secrets set`, or undefined. */
  check?: (value: string) => string | undefined;
}

/** OPNsense's API credentials as its apikey.txt has them (`key=…` and `secret=…` lines), or `KEY:SECRET`. */
export function parseApiKeyPair(text: string): { key: string; secret: string } | undefined {
  const key = /^key=(\S+)$/m.exec(text)?.[1];
  const secret = /^secret=(\S+)$/m.exec(text)?.[1];
  if (key && secret) return { key, secret };
  const m = /^([^:\s]+):(\S+)$/.exec(text.trim());
  return m ? { key: m[1]!, secret: m[2]! } : undefined;
}

/** The name of the firewall's API credential in secrets/. */
export const FIREWALL_API_SECRET = 'firewall-api-key';
/** The SSH key `beelab drift` reads a pfSense or VyOS firewall's configuration with. */
export const FIREWALL_SSH_SECRET = 'firewall-ssh-key';

/** A fresh value of a kind: 256 bits of randomness in a form the consumer accepts. */
export function generateSecret(kind: RandomKind): string {
  switch (kind) {
    case 'password':
      return randomBytes(24).toString('base64url');
    case 'token':
      return randomBytes(32).toString('hex');
    case 'api-key':
      return `sk-beelab-${randomBytes(24).toString('base64url')}`;
    case 'key':
      return randomBytes(32).toString('base64');
  }
}

/**
 * The secrets this Site needs. A layer that needs one more adds it here (later: through its own module);
 * a secret that stops being needed is kept in secrets/ (listed as unused), never deleted.
 */
export function siteSecrets(site: Site): SecretDef[] {
  const out: SecretDef[] = [];
  const p = site.firewall.platform;
  if (p === 'opnsense') {
    // OPNsense makes the key and its secret itself (a key cannot be chosen): the user stores what it issued.
    out.push({
      name: FIREWALL_API_SECRET,
      kind: 'issued',
      description: `API key and secret of the OPNsense firewall ${site.firewall.host} (its apikey.txt: key=… and secret=… lines)`,
      usedBy: `beelab drift (downloads ${site.firewall.host}'s configuration through its API)`,
      issuedBy: `issued by OPNsense: System → Access → Users → (a user with the privilege "Diagnostics: Configuration History") → API keys → + downloads apikey.txt; store it with \`beelab secrets set ${FIREWALL_API_SECRET} --from apikey.txt\``,
      check: (v) =>
        parseApiKeyPair(v)
          ? undefined
          : 'is not an OPNsense API key and secret: expected apikey.txt (key=… and secret=… lines) or KEY:SECRET',
    });
  } else if (p === 'pfsense' || p === 'vyos') {
    // Drift reads pfSense and VyOS over SSH: no API key (an older one in secrets/ is listed as unused).
    out.push({
      name: FIREWALL_SSH_SECRET,
      kind: 'ssh-key',
      description: `SSH key (Ed25519) beelab drift logs in to the ${p} firewall ${site.firewall.host} with; its public half goes on the firewall`,
      usedBy: `beelab drift (reads ${site.firewall.host}'s configuration over SSH)`,
    });
  }
  if (site.production.controlPlanes.length > 0) {
    out.push({
      name: 'talos-secrets',
      kind: 'talos-secrets',
      description:
        'Talos cluster secrets bundle (talosctl gen secrets): the cluster, etcd and Kubernetes CAs, keys and join tokens',
      usedBy: 'production Talos cluster (talos/talos.sh: talosctl gen config --with-secrets)',
    });
  }
  if (site.devops.servers.length > 0) {
    out.push({
      name: 'k3s-token',
      kind: 'token',
      description: 'k3s cluster join token (K3S_TOKEN) for servers and agents',
      usedBy: 'DevOps k3s cluster',
    });
  }
  if (site.ai.nodes.length > 0) {
    out.push({
      name: 'gateway-api-key',
      kind: 'api-key',
      description: 'Admin API key of the OpenAI-compatible gateway',
      usedBy: `gateway on ${site.ai.gatewayHost ?? 'the AI head node'}`,
    });
  }
  for (const k of site.ai.gatewayHost ? site.ai.keys : []) {
    // LiteLLM (ai.gateway: litellm) knows one key without its database: the master key, the admins' key.
    const litellm = site.ai.gateway === 'litellm';
    out.push({
      name: `gateway-key-${k.name}`,
      kind: 'api-key',
      description: `API key "${k.name}" of the AI gateway, for ${k.holder}`,
      usedBy: !litellm
        ? `${k.holder}; its hash is installed on ${site.ai.gatewayHost}`
        : k.name === 'operators'
          ? `${k.holder}; LiteLLM's master key (LITELLM_MASTER_KEY) on ${site.ai.gatewayHost}`
          : `${k.holder}; not known to LiteLLM without its database (use the operators key, or make one with /key/generate)`,
    });
  }
  if (forgejoUrl(site) && runnerNodes(site).length > 0) {
    out.push({
      name: RUNNER_TOKEN_SECRET,
      kind: 'issued',
      description: "Registration token of the agent Macs' Forgejo Actions runners",
      usedBy: `forgejo-runner register on ${runnerNodes(site)
        .map((n) => n.host)
        .join(', ')}`,
      issuedBy: `issued by Forgejo (${forgejoUrl(site)}): Site administration → Actions → Runners → Create new runner, or \`forgejo forgejo-cli actions generate-runner-token\` on its host; write it alone to a file and store it with \`beelab secrets set ${RUNNER_TOKEN_SECRET} --from FILE\``,
      check: (v) =>
        /^\S{20,}$/.test(v.trim()) ? undefined : 'a runner token is one word of at least 20 characters',
    });
  }
  if (site.hosts.some((h) => h.roles.includes('grafana'))) {
    out.push({
      name: 'grafana-admin-password',
      kind: 'password',
      description: 'Grafana admin password',
      usedBy: 'Grafana',
    });
  }
  const smtp = site.observability.smtp;
  if (smtp?.username && site.hosts.some((h) => h.name === site.observability.monitor)) {
    // The relay's account password is chosen at the relay (or issued by the mail provider), not by Beelab.
    out.push({
      name: SMTP_PASSWORD_SECRET,
      kind: 'issued',
      description: `Password of ${smtp.username} at the mail relay ${smtp.smarthost} (observability.smtp)`,
      usedBy: 'Alertmanager on the monitor (e-mail alerts)',
      issuedBy: `issued by your mail relay ${smtp.smarthost} for ${smtp.username}: write the password alone to a file and store it with \`beelab secrets set ${SMTP_PASSWORD_SECRET} --from FILE\``,
      check: (v) =>
        v.length === 0 || v.includes('\n') ? 'is not one password: expected one non-empty line' : undefined,
    });
  }
  const acme = site.acme;
  if (acme && proxiedByHost(site).size > 0) {
    // The DNS provider issues the token (scoped to the zone where it can); Beelab cannot make one.
    const p = ACME_DNS_PROVIDERS[acme.dnsProvider];
    out.push({
      name: ACME_DNS_TOKEN_SECRET,
      kind: 'issued',
      description: `API token of the DNS provider ${acme.dnsProvider} (${p.token}), which lego reads as ${p.tokenVar} to answer ACME DNS-01 challenges for ${site.domain}`,
      usedBy: `lego on the compose hosts (site.acme: obtains and renews the proxy's certificates)`,
      issuedBy: `issued by ${acme.dnsProvider}: create ${p.token}, write it alone to a file and store it with \`beelab secrets set ${ACME_DNS_TOKEN_SECRET} --from FILE\``,
      check: (v) =>
        v.length === 0 || /\s/.test(v) ? 'is not one API token: expected one line without spaces' : undefined,
    });
  }
  if (site.ups) {
    out.push({
      name: 'nut-monitor-password',
      kind: 'password',
      description: 'Password the NUT monitors log in to the UPS server with (upsd.users, upsmon.conf)',
      usedBy: `Network UPS Tools on ${site.ups.host} and the machines it powers`,
    });
  }
  if (site.hosts.some((h) => h.roles.includes('wazuh_manager'))) {
    const node = site.observability.securityNode ?? 'the security node';
    out.push(
      {
        name: 'wazuh-enrollment-password',
        kind: 'password',
        description: 'Password every Wazuh agent enrolls with (authd.pass on the manager and the agents)',
        usedBy: `Wazuh manager on ${node} and every agent`,
      },
      {
        name: 'wazuh-indexer-password',
        kind: 'password',
        description:
          "Password of the Wazuh indexer's admin and dashboard users (hashed into internal_users.yml)",
        usedBy: `Wazuh indexer, manager and dashboard on ${node}`,
      },
      {
        name: 'wazuh-api-password',
        kind: 'password',
        description: 'Password of the Wazuh API user wazuh-wui (the dashboard logs in with it)',
        usedBy: `Wazuh API on ${node}`,
      },
    );
  }
  const honeypot = honeypotHost(site);
  if (honeypot) {
    out.push({
      name: TPOT_WEB_SECRET,
      kind: 'password',
      description: `Password of T-Pot's web user ${TPOT_WEB_USER} (landing page, Kibana, attack map), hashed into its .env as htpasswd apr1`,
      usedBy: `T-Pot on ${honeypot.name}`,
    });
  }
  for (const s of site.services) {
    if (s.kind !== 'app' || s.placement !== 'compose') continue;
    const app = findApp(s.name);
    for (const secret of app?.secrets ?? [])
      out.push({
        name: appSecretName(app!, secret.name),
        kind: secret.kind,
        description: `${app!.name}: ${secret.description}`,
        usedBy: `${app!.name} on ${s.hosts.join(', ')} (its .env)`,
      });
  }
  const onClusters = clusterApps(site);
  if (onClusters.length > 0)
    out.push({
      name: CLUSTER_APPS_CA,
      kind: 'tls-ca',
      description:
        "Certificate authority of the cluster apps' ingress certificates (key and certificate, PEM; its root is exported to tls/cluster-apps-root.crt)",
      usedBy: `the <app>-tls Secrets of ${onClusters.map((a) => a.app.name).join(', ')} (k8s/<cluster>/app-secrets.sh)`,
    });
  for (const a of onClusters)
    for (const secret of a.app.secrets)
      out.push({
        name: appSecretName(a.app, secret.name),
        kind: secret.kind,
        description: `${a.app.name}: ${secret.description}`,
        usedBy: `${a.app.name} on the ${a.cluster} cluster (its Secret ${a.app.name}-secrets)`,
      });
  if (site.backup.primary) {
    const mirror =
      site.backup.mirror && site.backup.mirror !== site.backup.primary ? site.backup.mirror : undefined;
    for (const server of [site.backup.primary, ...(mirror ? [mirror] : [])])
      out.push({
        name: pveTokenSecret(server),
        kind: 'token',
        description: `Secret of the API token the Proxmox VE cluster logs in to ${server} with (pve@pbs)`,
        usedBy: `Proxmox VE backup storage ${server}; its hash in ${server}:/etc/proxmox-backup/token.shadow`,
      });
    if (site.hosts.some((h) => h.roles.includes('prometheus')))
      out.push({
        name: PBS_EXPORTER_SECRET,
        kind: 'token',
        description: `Secret of the API token ${PBS_EXPORTER_USER.userid}!${PBS_EXPORTER_USER.token} (Audit, read-only) the PBS exporter on the monitor reads every backup server with`,
        usedBy: `the PBS exporter on ${site.observability.monitor}; its hash in each backup server's token.shadow`,
      });
    if (mirror)
      out.push({
        name: syncTokenSecret(mirror),
        kind: 'token',
        description: `Secret of the API token ${mirror} pulls from ${site.backup.primary} with (sync@pbs)`,
        usedBy: `sync job on ${mirror}; its hash in ${site.backup.primary}:/etc/proxmox-backup/token.shadow`,
      });
    out.push({
      name: RESTIC_SECRET,
      kind: 'password',
      description: 'Password of every restic repository (file backups of the nodes, Pis and Macs)',
      usedBy: `restic clients; repositories on ${site.backup.primary}`,
    });
    out.push({
      name: PBS_ENCRYPTION_SECRET,
      kind: 'key',
      description:
        'Client-side encryption key of the Proxmox Backup Server datastores: without it no backup restores',
      usedBy: `backups on ${site.backup.primary}${site.backup.mirror ? ` and ${site.backup.mirror}` : ''}`,
    });
  }
  return out;
}

export { SMTP_PASSWORD_SECRET };
