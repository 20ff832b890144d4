// Layer 3, the DevOps pipeline: the generated repository itself: README, docs, the shared Ansible inventory and the spec's JSON Schema.
import type { Site } from '../../site/types.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { LayerModule, RenderContext } from '../layer.ts';
import { INVENTORY_PATH, renderInventory } from './ansible-inventory.ts';
import {
  ANSIBLE_CFG_PATH,
  ANSIBLE_LINT_PATH,
  REQUIREMENTS_PATH,
  renderAnsibleCfg,
  renderAnsibleLint,
  renderRequirements,
  renderSitePlaybook,
  SITE_PLAYBOOK_PATH,
} from './ansible-scaffold.ts';
import { ARCHITECTURE_SVG_PATH, renderArchitectureSvg } from './diagrams/architecture.ts';
import { NETWORK_SVG_PATH, renderNetworkSvg } from './diagrams/network.ts';
import { FLOWS_MD_PATH, renderFlowsMd } from './flows-md.ts';
import { GITIGNORE_PATH, renderGitignore } from './gitignore.ts';
import { GROUP_VARS_ALL_PATH, renderGroupVarsAll } from './group-vars.ts';
import { INVENTORY_MD_PATH, renderInventoryMd } from './inventory-md.ts';
import { renderReadme } from './readme.ts';
import { RENOVATE_PATH, renderRenovate } from './renovate.ts';
import { renovateValidator } from './renovate-validator.ts';
import { SCHEMA_PATH, schemaText } from './schema-file.ts';
import { devopsSteps } from './steps.ts';
import { actionValidator } from './workflow-validator.ts';
import { FORGEJO_WORKFLOW_PATH, GITHUB_WORKFLOW_PATH, renderWorkflow } from './workflows.ts';

export function renderDevops(site: Site, ctx: RenderContext): FileTree {
  return new FileTree()
    .add('README.md', renderReadme(site, ctx), 'devops')
    .add(INVENTORY_MD_PATH, renderInventoryMd(site), 'devops')
    .add(FLOWS_MD_PATH, renderFlowsMd(site), 'devops')
    .add(ARCHITECTURE_SVG_PATH, renderArchitectureSvg(site, ctx), 'devops')
    .add(NETWORK_SVG_PATH, renderNetworkSvg(site), 'devops')
    .add(INVENTORY_PATH, renderInventory(site), 'devops')
    .add(GROUP_VARS_ALL_PATH, renderGroupVarsAll(site), 'devops')
    .add(SCHEMA_PATH, schemaText(), 'devops')
    .add(ANSIBLE_CFG_PATH, renderAnsibleCfg(), 'devops')
    .add(SITE_PLAYBOOK_PATH, renderSitePlaybook(ctx), 'devops')
    .add(REQUIREMENTS_PATH, renderRequirements(site.versions), 'devops')
    .add(ANSIBLE_LINT_PATH, renderAnsibleLint(), 'devops')
    .add(GITIGNORE_PATH, renderGitignore(), 'devops')
    .add(RENOVATE_PATH, renderRenovate(site), 'devops')
    .add(FORGEJO_WORKFLOW_PATH, renderWorkflow('forgejo'), 'devops')
    .add(GITHUB_WORKFLOW_PATH, renderWorkflow('github'), 'devops');
}

export const devopsLayer: LayerModule = {
  id: 'devops',
  layout: {
    title: '3 DevOps pipeline',
    paths: [
      'README.md',
      'docs/',
      'ansible/inventory.yml',
      'ansible/group_vars/',
      'ansible/ansible.cfg',
      'ansible/site.yml',
      'ansible/requirements.yml',
      '.ansible-lint',
      '.beelab/',
      '.forgejo/',
      '.github/',
      'renovate.json',
      '.gitignore',
    ],
    what: 'this repository itself: its docs, the shared Ansible inventory, CI, pinning and updates',
  },
  render: renderDevops,
  validators: () => [renovateValidator, actionValidator],
  steps: devopsSteps,
};
