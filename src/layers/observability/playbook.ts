// The observability layer's playbook: the plays of its parts (monitoring, watchdogs), in order, in one file.
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';
import { ansibleYaml } from '../ansible-roles.ts';

export const OBSERVABILITY_PLAYBOOK = 'ansible/playbooks/observability.yml';

/** One play of the playbook; each part contributes its own. */
export interface Play {
  name: string;
  hosts: string;
  become?: boolean;
  gather_facts?: boolean;
  tags?: string[];
  vars?: Record<string, unknown>;
  pre_tasks?: unknown[];
  tasks?: unknown[];
  roles?: string[];
}

export function renderObservabilityPlaybook(plays: readonly Play[]): string {
  return ansibleYaml(
    plays,
    `${GENERATED_NOTICE}\n\nLayer 7, observability and recovery: monitoring, then the Pi watchdogs last (they must never\n` +
      'power-cycle a host that is still being installed). Run: ansible-playbook playbooks/observability.yml (from ansible/).',
  );
}
