// ansible/playbooks/orchestration.yml: the plays every part of the layer adds (k3s, Compose, ...), in order.
import type { Site } from '../../site/types.ts';
import { GENERATED_NOTICE } from '../../tree/serialize/header.ts';
import { ansibleYaml } from '../ansible-roles.ts';
import type { OrchestrationPart } from './part.ts';

export const ORCHESTRATION_PLAYBOOK = 'ansible/playbooks/orchestration.yml';

/** Every part's plays; a site with none gets one play that says so (site.yml imports the playbook always). */
export function renderOrchestrationPlaybook(site: Site, parts: readonly OrchestrationPart[]): string {
  const plays = parts.flatMap((p) => p.plays?.(site) ?? []);
  if (plays.length === 0)
    plays.push({
      name: 'Orchestration: nothing to configure on this site (no k3s cluster, no Compose host)',
      hosts: 'localhost',
      gather_facts: false,
      tasks: [],
    });
  return ansibleYaml(
    plays,
    `${GENERATED_NOTICE}\n\nLayer 4, orchestration: the DevOps k3s cluster (servers, agents, Cilium, MetalLB), Docker, the reverse proxy\nand each Compose app. Run: ansible-playbook playbooks/orchestration.yml (from ansible/); one part: --tags k3s, docker, proxy, apps or app-<name>.`,
  );
}
