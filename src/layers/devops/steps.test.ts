import { describe, expect, it } from 'vitest';
import { collectSteps } from '../../apply/collect.ts';
import { buildGraph } from '../../apply/graph.ts';
import { loadProject } from '../../project/load.ts';
import { renderSite } from '../../project/render-site.ts';
import { FIREWALL_STEP } from '../network/steps.ts';
import { ansibleAccess } from './ansible-access.ts';
import { devopsSteps } from './steps.ts';

const example = (name: string) => loadProject(new URL(`../../../examples/${name}`, import.meta.url).pathname);

describe('devops steps', () => {
  it('one ansible ping per layer group, over the ssh hosts only, after the firewall', async () => {
    const { site } = await example('reference');
    const files = renderSite(site);
    const steps = devopsSteps(site, files);
    const physical = steps.find((s) => s.id === 'ansible/ping/layer_physical')!;
    expect(physical.hosts).toEqual(['pve1', 'pve2', 'pve3', 'pbs1', 'pbs2', 'sec1']);
    expect(physical.run).toEqual({
      kind: 'shell',
      script: "ansible -i ansible/inventory.yml 'layer_physical:&ssh' -m ansible.builtin.ping",
    });
    expect(physical.inputs).toEqual(['ansible/inventory.yml', 'ansible/group_vars/all.yml']);
    expect(physical.after).toEqual([FIREWALL_STEP]);
    // Talos VMs and appliances are not Ansible's: never in a ping step
    const pinged = new Set(steps.flatMap((s) => s.hosts));
    for (const h of site.hosts) expect(pinged.has(h.name)).toBe(ansibleAccess(h).ssh);
  });

  it('every example gives a sound step graph', async () => {
    for (const name of ['single', 'compact', 'reference']) {
      const { site } = await example(name);
      const steps = collectSteps(site, renderSite(site));
      const g = buildGraph(steps, new Set(site.hosts.map((h) => h.name)));
      expect(g.order[0]!.id).toBe(FIREWALL_STEP);
    }
  });
});
