// Which steps `lab apply` runs against the lab, and why it leaves the others (no root needed).
import { expect, it } from 'vitest';
import { FIREWALL_STEP } from '../layers/network/steps.ts';
import type { Step } from '../layers/step.ts';
import { notEmulated } from './apply.ts';

const step = (over: Partial<Step>): Step => ({
  id: 'x',
  layer: 'physical',
  title: 'x',
  hosts: [],
  run: { kind: 'ansible-playbook', playbook: 'ansible/playbooks/physical.yml' },
  inputs: [],
  ...over,
});

it('runs the firewall step, playbooks touching a machine and VM provisioning; lists the rest with why', () => {
  const machines = new Set(['apps']);
  expect(
    notEmulated(step({ id: FIREWALL_STEP, hosts: ['fw'], run: { kind: 'shell', script: 'x' } }), machines),
  ).toBe(undefined);
  expect(notEmulated(step({ hosts: ['apps', 'pve1'] }), machines)).toBe(undefined);
  expect(
    notEmulated(
      step({
        hosts: ['apps'],
        run: { kind: 'shell', script: 'x' },
        rebuild: { phase: 'vm', provisions: true },
      }),
      machines,
    ),
  ).toBe(undefined);
  expect(notEmulated(step({ hosts: ['pve1', 'pve2'] }), machines)).toBe(
    'none of its hosts (pve1, pve2) is a lab machine',
  );
  expect(
    notEmulated(step({ hosts: ['apps'], run: { kind: 'shell', script: 'ansible ...' } }), machines),
  ).toBe('a shell step runs only against the real hosts');
});
