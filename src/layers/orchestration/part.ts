// One part of the orchestration layer (Talos, k3s, cluster apps, Compose): what the layer's index composes.
import type { Site } from '../../site/types.ts';
import type { LayerModule } from '../layer.ts';

/** A part renders, checks and applies its own files; the layer merges the files and concatenates the rest. */
export interface OrchestrationPart extends Pick<LayerModule, 'render' | 'rules' | 'validators' | 'steps'> {
  /** Plays this part adds to the layer's playbook (ansible/playbooks/orchestration.yml), in order. */
  plays?(site: Site): Play[];
}

/** One play of ansible/playbooks/orchestration.yml. */
export interface Play {
  name: string;
  hosts: string;
  become?: boolean;
  gather_facts?: boolean;
  serial?: number;
  tags?: string[];
  pre_tasks?: unknown[];
  tasks?: unknown[];
  roles?: (string | { role: string; vars?: Record<string, unknown> })[];
}
