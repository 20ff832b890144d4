// The watchdogs' apply step: build the single-file watchdog, then install it on every Pi with the playbook.
import type { Site } from '../../../site/types.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { ansibleAccess } from '../../devops/ansible-access.ts';
import { ANSIBLE_CFG_PATH } from '../../devops/ansible-scaffold.ts';
import { PHYSICAL_PLAYBOOK } from '../../physical/ansible.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { DEFAULT_INVENTORY, executorArgv, type Step, shellQuote } from '../../step.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { WATCHDOG_TAG } from './ansible.ts';

export const WATCHDOG_STEP = 'observability/watchdogs';

const SSH = `ssh -o BatchMode=yes ${'$'}{BEELAB_SSH_OPTS:-}`; // a shell expansion, not a template

export function watchdogSteps(site: Site, files: FileTree): Step[] {
  if (site.watchdogs.length === 0 || !files.has(OBSERVABILITY_PLAYBOOK)) return [];
  const pis = site.watchdogs.map((w) => w.host);
  const hostVars = new Set(pis.map((p) => `ansible/host_vars/${p}.yml`));
  const inputs = files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === OBSERVABILITY_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === DEFAULT_INVENTORY ||
        p.startsWith('ansible/group_vars/') ||
        hostVars.has(p) ||
        p.startsWith('ansible/roles/beelab_watchdog/') ||
        p.startsWith('watchdog/'),
    )
    .sort();
  const playbook = executorArgv({
    kind: 'ansible-playbook',
    playbook: OBSERVABILITY_PLAYBOOK,
    tags: [WATCHDOG_TAG],
    config: ANSIBLE_CFG_PATH,
  })!;
  const script = [
    // The bundle is a build product of the Beelab that runs this apply: made fresh, never committed.
    'BEELAB_WATCHDOG_BUNDLE="$(mktemp -d)/beelab-watchdog.mjs"',
    'export BEELAB_WATCHDOG_BUNDLE',
    'trap \'rm -rf "$(dirname "$BEELAB_WATCHDOG_BUNDLE")"\' EXIT',
    'beelab watchdog --bundle "$BEELAB_WATCHDOG_BUNDLE"',
    playbook.map(shellQuote).join(' '),
  ].join('\n');
  const byName = new Map(site.hosts.map((h) => [h.name, h]));
  const verify = pis
    .map((p) => {
      const h = byName.get(p);
      const access = h ? ansibleAccess(h) : undefined;
      const user = access?.ssh ? access.user : 'pi';
      return `${SSH} ${user}@${h?.address ?? p} systemctl is-active --quiet beelab-watchdog`;
    })
    .join(' && ');
  return [
    {
      id: WATCHDOG_STEP,
      layer: 'observability',
      title: `The watchdog on ${pis.join(', ')}: bundle, config, systemd unit`,
      hosts: pis,
      run: { kind: 'shell', script },
      inputs,
      // The Pis are Debian-family: the physical layer's base step prepares them (users, sshd, time).
      after: files.has(PHYSICAL_PLAYBOOK) ? [PHYSICAL_STEPS.base] : [],
      verify: { kind: 'shell', script: verify },
      rebuild: { phase: 'app' },
    },
  ];
}
