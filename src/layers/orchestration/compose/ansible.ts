// The compose part's Ansible: the roles docker, caddy and compose_app (files under ./roles/), and its plays:
// Docker and the reverse proxy on each compose host, then one play per app (tag app-<name>).
import { appSecretName, appSecretVar } from '../../../catalog/apps.ts';
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { roleFiles } from '../../ansible-roles.ts';
import { proxiedByHost } from '../caddy/caddyfile.ts';
import { caddyAcmeVars } from '../caddy/lego.ts';
import type { Play } from '../part.ts';
import { type ComposeApp, composeApps } from './apps.ts';
import { unpinnedImages } from './project.ts';

const ROLES = new URL('./roles/', import.meta.url);
export const COMPOSE_ROLES = ['docker', 'caddy', 'compose_app'] as const;

/** Tags of the play that installs Docker and Caddy, and of one app's play. */
export const PROXY_TAGS = ['docker', 'proxy'];
export const appTag = (app: string) => `app-${app}`;

/** The compose apps that are rendered: every image pinned (the others are reported, not deployed). */
export function deployedApps(site: Site): ComposeApp[] {
  return composeApps(site).filter((a) => unpinnedImages(a, site).length === 0);
}

/** The compose hosts, each once, in Site order. */
export function composeHosts(site: Site): string[] {
  return [...new Set(deployedApps(site).map((a) => a.host.name))];
}

/** The variables of one app's play: its data directories (with owners) and its secrets. */
export function appVars(a: ComposeApp): Record<string, unknown> {
  const dirs = new Map<string, number | undefined>();
  for (const c of a.app.containers)
    for (const v of c.volumes ?? []) dirs.set(v.dir, v.uid ?? dirs.get(v.dir));
  return {
    compose_app_name: a.app.name,
    compose_app_dirs: [...dirs].map(([name, owner]) => (owner === undefined ? { name } : { name, owner })),
    compose_app_secrets: a.app.secrets.map((s) => ({
      var: appSecretVar(s.name),
      secret: appSecretName(a.app, s.name),
    })),
  };
}

/** The caddy role's ACME variables: the names each compose host proxies. */
function acmeVars(site: Site): Record<string, unknown> {
  const names = new Map(
    [...proxiedByHost(site)].map(([host, apps]) => [host, apps.map((a) => a.service.fqdn!)]),
  );
  return caddyAcmeVars(site, names);
}

export function composePlays(site: Site): Play[] {
  const hosts = composeHosts(site);
  if (hosts.length === 0) return [];
  return [
    {
      name: 'Docker and the reverse proxy',
      hosts: hosts.join(':'),
      become: true,
      tags: PROXY_TAGS,
      roles: site.acme
        ? ['docker', { role: 'caddy', vars: { caddy_acme: acmeVars(site) } }]
        : ['docker', 'caddy'],
    },
    ...deployedApps(site).map(
      (a): Play => ({
        name: `App ${a.app.name} (${a.url})`,
        hosts: a.host.name,
        become: true,
        tags: ['apps', appTag(a.app.name)],
        roles: [{ role: 'compose_app', vars: appVars(a) }],
      }),
    ),
  ];
}

/** The roles, copied unchanged into ansible/roles/ when the site has a compose host. */
export function renderComposeRoles(site: Site): FileTree {
  const tree = new FileTree();
  if (composeHosts(site).length === 0) return tree;
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'orchestration');
  return tree;
}
