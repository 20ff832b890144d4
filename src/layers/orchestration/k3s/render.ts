// The DevOps cluster's files: the k3s roles, their group variables, and the manifests the servers auto-deploy.
import type { Site } from '../../../site/types.ts';
import { FileTree } from '../../../tree/file-tree.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import { toYaml, toYamlDocuments } from '../../../tree/serialize/yaml.ts';
import { ansibleYaml, roleFiles } from '../../ansible-roles.ts';
import { ingressVip } from '../kube/ingress.ts';
import type { Play } from '../part.ts';
import {
  ciliumChart,
  K3S_MANIFESTS,
  k3sPool,
  k3sVip,
  kubeVipManifests,
  metallbChart,
  metallbPool,
} from './manifests.ts';

const ROLES = new URL('./roles/', import.meta.url);
export const K3S_GROUP_VARS = 'ansible/group_vars/k3s.yml';

/** Whether the site has a k3s cluster to render (servers and their API VIP). */
export function hasK3s(site: Site): boolean {
  return site.devops.servers.length > 0 && k3sVip(site) !== undefined;
}

const header = (what: string) => `${GENERATED_NOTICE}\n${what}`;

function groupVars(site: Site): Record<string, unknown> {
  const vip = k3sVip(site)!;
  return {
    k3s_version: site.devops.version,
    k3s_api_address: vip.address,
    k3s_tls_san: [vip.address, vip.fqdn],
    k3s_cluster_cidr: site.devops.podSubnet,
    k3s_service_cidr: site.devops.serviceSubnet,
  };
}

export function renderK3s(site: Site): FileTree {
  const tree = new FileTree();
  if (!hasK3s(site)) return tree;
  const vip = k3sVip(site)!;
  for (const [path, content] of roleFiles(ROLES)) tree.add(`ansible/roles/${path}`, content, 'orchestration');
  tree.add(
    K3S_GROUP_VARS,
    ansibleYaml(
      groupVars(site),
      `${GENERATED_NOTICE}\n\nThe DevOps k3s cluster: every server and agent (group k3s).`,
    ),
    'orchestration',
  );
  const yaml = (file: string, docs: object[], what: string) =>
    tree.add(file, toYamlDocuments(docs, { header: header(what) }), 'orchestration');
  yaml(
    K3S_MANIFESTS.kubeVip,
    kubeVipManifests(site, vip),
    `kube-vip ${site.versions.kubeVip}: the API VIP ${vip.address} on one k3s server at a time (ARP, leader election).`,
  );
  yaml(
    K3S_MANIFESTS.cilium,
    [ciliumChart(site, vip, (v) => toYaml(v))],
    `Cilium ${site.versions.cilium}: the CNI and kube-proxy of the DevOps cluster (k3s Helm controller).`,
  );
  const pool = k3sPool(site);
  const ingress = ingressVip(site, 'devops');
  if (pool) {
    yaml(
      K3S_MANIFESTS.metallb,
      [metallbChart(site)],
      `MetalLB ${site.versions.metallb} (k3s Helm controller).`,
    );
    yaml(
      K3S_MANIFESTS.metallbPool,
      metallbPool(pool, ingress),
      `MetalLB's addresses: the ${pool.name} pool ${pool.range[0]}-${pool.range[1]} on VLAN ${pool.vlan}${ingress ? `, and the ingress VIP ${ingress.address} for the Services that ask for it` : ''}, announced by ARP.`,
    );
  }
  return tree;
}

/** The k3s plays: servers one at a time (the first initialises the cluster), agents, then Cilium, then MetalLB. */
export function k3sPlays(site: Site): Play[] {
  if (!hasK3s(site)) return [];
  const stage = (name: string, files: string[], wait: string) => ({
    name,
    'ansible.builtin.include_role': { name: 'k3s_server', tasks_from: 'addon.yml' },
    vars: { k3s_addon_files: files, k3s_addon_wait: wait },
  });
  const addon = (name: string, tag: string, tasks: object[]) => ({
    name,
    hosts: 'k3s_server[0]',
    become: true,
    tags: ['k3s', tag],
    tasks,
  });
  const file = (p: string) => p.split('/').pop()!;
  const plays: Play[] = [
    {
      name: 'DevOps cluster (k3s): servers, one at a time (the first initialises the cluster, the others join through the VIP)',
      hosts: 'k3s_server',
      become: true,
      serial: 1,
      tags: ['k3s', 'k3s-server'],
      roles: ['k3s_server'],
    },
    // a cluster of servers only (the single tier) has no k3s_agent group, and Ansible warns about the play
    ...(site.devops.agents.length > 0
      ? [
          {
            name: 'DevOps cluster (k3s): agents join through the VIP',
            hosts: 'k3s_agent',
            become: true,
            tags: ['k3s', 'k3s-agent'],
            roles: ['k3s_agent'],
          },
        ]
      : []),
    addon('DevOps cluster (k3s): Cilium', 'k3s-cilium', [
      stage(
        'Install Cilium and wait until every node is Ready',
        [file(K3S_MANIFESTS.cilium)],
        'wait --for=condition=Ready nodes --all --timeout=10s',
      ),
    ]),
  ];
  const pool = k3sPool(site);
  if (pool)
    plays.push(
      // The pool is a custom resource MetalLB's webhook admits: only once its controller runs.
      addon('DevOps cluster (k3s): MetalLB', 'k3s-metallb', [
        stage(
          'Install MetalLB and wait for its controller',
          [file(K3S_MANIFESTS.metallb)],
          '-n metallb-system rollout status deployment/metallb-controller --timeout=10s',
        ),
        stage(
          `Install the address pool ${pool.name} and its L2 advertisement`,
          [file(K3S_MANIFESTS.metallbPool)],
          `-n metallb-system get ipaddresspool ${pool.name}`,
        ),
      ]),
    );
  return plays;
}
