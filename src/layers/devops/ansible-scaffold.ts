// The files that make ansible/ a project an Ansible user recognises: ansible.cfg, site.yml, requirements.yml, .ansible-lint.

import type { Versions } from '../../catalog/versions.ts';
import { GENERATED_NOTICE, toIni } from '../../tree/serialize/index.ts';
import { ansibleYaml } from '../ansible-roles.ts';
import type { RenderContext } from '../layer.ts';

export const ANSIBLE_CFG_PATH = 'ansible/ansible.cfg';
export const SITE_PLAYBOOK_PATH = 'ansible/site.yml';
export const REQUIREMENTS_PATH = 'ansible/requirements.yml';
export const ANSIBLE_LINT_PATH = '.ansible-lint';

/**
 * ansible-lint rules the generated roles do not follow, each with its reason; everything else is held
 * to the production profile.
 */
export const LINT_SKIPS: readonly { rule: string; why: string }[] = [];

export function renderAnsibleCfg(): string {
  return toIni(
    [
      [
        'defaults',
        {
          inventory: 'inventory.yml',
          roles_path: 'roles',
          interpreter_python: 'auto_silent',
          forks: 20,
          retry_files_enabled: false,
        },
      ],
      ['ssh_connection', { pipelining: true }],
    ],
    {
      separator: ' = ',
      header: `${GENERATED_NOTICE}\n\nRead when Ansible runs from this directory (cd ansible) or with ANSIBLE_CONFIG=ansible/ansible.cfg;\npaths here are relative to this file.`,
    },
  );
}

/** site.yml: every layer's playbook, in the order the layers build on each other. */
export function renderSitePlaybook(ctx: RenderContext): string {
  const plays = ctx.layouts
    .filter((l) => l.playbook)
    .map((l) => ({
      name: `Layer ${l.title}`,
      'ansible.builtin.import_playbook': (l.playbook ?? '').replace(/^ansible\//, ''),
    }));
  return ansibleYaml(
    plays,
    `${GENERATED_NOTICE}\n\nThe whole site, layer by layer: cd ansible && ansible-playbook site.yml\nOne layer: ansible-playbook playbooks/<layer>.yml; one kind of work: --tags base,ups`,
  );
}

export function renderRequirements(versions: Versions): string {
  return ansibleYaml(
    { collections: Object.entries(versions.collections).map(([name, version]) => ({ name, version })) },
    `${GENERATED_NOTICE}\n\nansible-galaxy collection install -r requirements.yml`,
  );
}

export function renderAnsibleLint(): string {
  const skips = LINT_SKIPS.map((s) => `  - ${s.rule} # ${s.why}`).join('\n');
  return [
    '---',
    `# ${GENERATED_NOTICE}`,
    '# ansible-lint holds ansible/ to its production profile; a skipped rule is listed with its reason.',
    'profile: production',
    'offline: true',
    'exclude_paths:',
    '  - .beelab/',
    '  - overrides/',
    `skip_list:${skips ? `\n${skips}` : ' []'}`,
    '',
  ].join('\n');
}
