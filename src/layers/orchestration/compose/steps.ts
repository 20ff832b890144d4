// The compose part's apply steps: Docker and Caddy on each compose host, then each app (compose pull, up -d,
// healthy), verified by its health URL through the proxy with the exported root certificate.
import { ACME_DNS_TOKEN_SECRET } from '../../../catalog/acme.ts';
import { appSecretName } from '../../../catalog/apps.ts';
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { INVENTORY_PATH } from '../../devops/ansible-inventory.ts';
import { ANSIBLE_CFG_PATH } from '../../devops/ansible-scaffold.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { type Step, shellQuote } from '../../step.ts';
import { caddyfilePath, upstreamOf } from '../caddy/caddyfile.ts';
import { legoUnitPath } from '../caddy/lego.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { appTag, composeHosts, deployedApps, PROXY_TAGS } from './ansible.ts';
import type { ComposeApp } from './apps.ts';

export const proxyStep = (host: string) => `orchestration/proxy/${host}`;
export const appStep = (app: string) => `orchestration/app/${app}`;

/** Where the caddy role exports a host's root certificate in the site repository. */
export const rootCertPath = (host: string) => `tls/${host}-root.crt`;

/** The playbook, its config and inventory, and the named roles: what every compose step reads. */
function ansibleInputs(files: FileTree, roles: string[], own: string[]): string[] {
  return files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === ORCHESTRATION_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === INVENTORY_PATH ||
        own.includes(p) ||
        roles.some((r) => p.startsWith(`ansible/roles/${r}/`)),
    )
    .sort();
}

/**
 * GET the app's health URL through the proxy on its host (by name, at the host's address, so the admin's
 * resolver is not in the way), trusting only the exported root; retried while the app finishes starting.
 */
/** The lab's machines install from a local copy of Debian's packages and reach no registry. */
const LAB_HAS_NO_REGISTRY =
  "it installs Docker and Caddy and pulls the apps' images: the lab's machines have only Beelab's local package set and no registry (the Caddy lab test serves the generated Caddyfile instead)";

export function healthThroughProxy(a: ComposeApp, acme?: Site['acme']): string {
  const h = a.service.health!;
  const expect = h.expect ?? 200;
  const fqdn = a.service.fqdn!;
  const url = `https://${fqdn}${h.path ?? '/'}`;
  const curl = [
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--max-time',
    '10',
    // The internal CA's exported root; with ACME the system's public roots, except that Let's Encrypt's staging
    // CA is trusted nowhere (its certificates are for trying the setup), so there the chain is not checked.
    ...(acme ? (acme.server === 'staging' ? ['--insecure'] : []) : ['--cacert', rootCertPath(a.host.name)]),
    '--resolve',
    `${fqdn}:443:${a.host.address}`,
    url,
  ]
    .map(shellQuote)
    .join(' ');
  return [
    `for _ in $(seq 1 30); do`,
    `  code=$(${curl} || true)`,
    `  [ "$code" = ${expect} ] && exit 0`,
    '  sleep 5',
    'done',
    `echo "${url} answered \${code:-nothing}, not ${expect}" >&2`,
    'exit 1',
  ].join('\n');
}

export function composeSteps(site: Site, files: FileTree): Step[] {
  if (!files.has(ORCHESTRATION_PLAYBOOK)) return [];
  const out: Step[] = [];
  for (const host of composeHosts(site)) {
    const address = site.hosts.find((h) => h.name === host)!.address;
    out.push({
      id: proxyStep(host),
      layer: 'orchestration',
      title: site.acme
        ? `Docker and the reverse proxy (Caddy) on ${host}; its certificates from Let's Encrypt${site.acme.server === 'staging' ? ' (staging)' : ''} by lego (ACME DNS-01 at ${site.acme.dnsProvider}), renewed by a timer`
        : `Docker and the reverse proxy (Caddy) on ${host}; its CA's root exported to ${rootCertPath(host)}`,
      hosts: [host],
      run: {
        kind: 'ansible-playbook',
        playbook: ORCHESTRATION_PLAYBOOK,
        limit: host,
        tags: PROXY_TAGS,
        config: ANSIBLE_CFG_PATH,
      },
      inputs: ansibleInputs(
        files,
        ['docker', 'caddy'],
        [caddyfilePath(host), legoUnitPath(host, 'service'), legoUnitPath(host, 'timer')],
      ),
      ...(site.acme ? { secrets: [ACME_DNS_TOKEN_SECRET] } : {}),
      after: [PHYSICAL_STEPS.base],
      verify: { kind: 'tcp', host: address, port: 443 },
      rebuild: { phase: 'app' },
      notInLab: LAB_HAS_NO_REGISTRY,
    });
  }
  for (const a of deployedApps(site)) {
    const compose = `${a.dir}/compose.yaml`;
    out.push({
      id: appStep(a.app.name),
      layer: 'orchestration',
      title: `${a.app.name} on ${a.host.name}: compose pull, up -d, healthy; ${a.url} answers through the proxy (${upstreamOf(a)})`,
      hosts: [a.host.name],
      run: {
        kind: 'ansible-playbook',
        playbook: ORCHESTRATION_PLAYBOOK,
        limit: a.host.name,
        tags: [appTag(a.app.name)],
        config: ANSIBLE_CFG_PATH,
      },
      inputs: ansibleInputs(files, ['compose_app'], [compose]),
      after: [proxyStep(a.host.name)],
      ...(a.app.secrets.length ? { secrets: a.app.secrets.map((s) => appSecretName(a.app, s.name)) } : {}),
      verify: { kind: 'shell', script: healthThroughProxy(a, site.acme) },
      rebuild: { phase: 'app' },
      notInLab: LAB_HAS_NO_REGISTRY,
    });
  }
  return out;
}
