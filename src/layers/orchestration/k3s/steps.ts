// The DevOps cluster's apply steps: servers, then agents, then Cilium, then MetalLB, each a run of the
// orchestration playbook with its tag.
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { ANSIBLE_CFG_PATH } from '../../devops/ansible-scaffold.ts';
import { PHYSICAL_STEPS, physicalSteps } from '../../physical/steps.ts';
import type { Step } from '../../step.ts';
import { ORCHESTRATION_PLAYBOOK } from '../playbook.ts';
import { K3S_MANIFESTS, k3sPool, k3sVip } from './manifests.ts';
import { hasK3s, K3S_GROUP_VARS } from './render.ts';

export const K3S_STEPS = {
  servers: 'k3s/servers',
  agents: 'k3s/agents',
  cilium: 'k3s/cilium',
  metallb: 'k3s/metallb',
} as const;

export const K3S_SECRET = 'k3s-token';

/** The step the k3s VMs are ready after: the Debian-family base (users, sshd), else their creation. */
function readyAfter(site: Site, files: FileTree): string[] {
  const ids = new Set(physicalSteps(site, files).map((s) => s.id));
  if (ids.has(PHYSICAL_STEPS.base)) return [PHYSICAL_STEPS.base];
  return ids.has(PHYSICAL_STEPS.vms) ? [PHYSICAL_STEPS.vms] : [];
}

export function k3sSteps(site: Site, files: FileTree): Step[] {
  if (!hasK3s(site) || !files.has(ORCHESTRATION_PLAYBOOK)) return [];
  const role = (r: string) => (p: string) => p.startsWith(`ansible/roles/${r}/`);
  const inputs = (...extra: ((p: string) => boolean)[]) =>
    files
      .entries()
      .map(([p]) => p)
      .filter(
        (p) =>
          p === ORCHESTRATION_PLAYBOOK ||
          p === ANSIBLE_CFG_PATH ||
          p === 'ansible/inventory.yml' ||
          p === K3S_GROUP_VARS ||
          extra.some((f) => f(p)),
      );
  const step = (
    id: string,
    title: string,
    hosts: string[],
    tags: string[],
    after: string[],
    extra: Partial<Step>,
  ) =>
    ({
      id,
      layer: 'orchestration',
      title,
      hosts,
      run: { kind: 'ansible-playbook', playbook: ORCHESTRATION_PLAYBOOK, tags, config: ANSIBLE_CFG_PATH },
      inputs: [],
      after,
      rebuild: { phase: 'cluster' },
      ...extra,
    }) satisfies Step;
  const { servers, agents } = site.devops;
  const vip = k3sVip(site)!;
  const out: Step[] = [
    step(
      K3S_STEPS.servers,
      `k3s ${site.devops.version} servers ${servers.join(', ')} (API VIP ${vip.address} by kube-vip)`,
      servers,
      ['k3s-server'],
      readyAfter(site, files),
      {
        inputs: inputs(role('k3s_common'), role('k3s_server'), (p) => p === K3S_MANIFESTS.kubeVip),
        secrets: [K3S_SECRET],
        verify: { kind: 'tcp', host: vip.address, port: 6443, timeoutMs: 10_000 },
      },
    ),
  ];
  let last: string = K3S_STEPS.servers;
  if (agents.length > 0) {
    out.push(
      step(
        K3S_STEPS.agents,
        `k3s agents ${agents.join(', ')} join through the VIP`,
        agents,
        ['k3s-agent'],
        [last],
        {
          inputs: inputs(role('k3s_common'), role('k3s_agent')),
          secrets: [K3S_SECRET],
        },
      ),
    );
    last = K3S_STEPS.agents;
  }
  out.push(
    step(
      K3S_STEPS.cilium,
      `Cilium ${site.versions.cilium} on the k3s cluster; every node Ready`,
      servers.slice(0, 1),
      ['k3s-cilium'],
      [last],
      { inputs: inputs(role('k3s_server'), (p) => p === K3S_MANIFESTS.cilium) },
    ),
  );
  const pool = k3sPool(site);
  if (pool)
    out.push(
      step(
        K3S_STEPS.metallb,
        `MetalLB ${site.versions.metallb} with the pool ${pool.range[0]}-${pool.range[1]}`,
        servers.slice(0, 1),
        ['k3s-metallb'],
        [K3S_STEPS.cilium],
        {
          inputs: inputs(
            role('k3s_server'),
            (p) => p === K3S_MANIFESTS.metallb || p === K3S_MANIFESTS.metallbPool,
          ),
        },
      ),
    );
  return out;
}
