// The compose apps as a part of the orchestration layer: projects, Caddyfiles, roles, plays, rules, steps.
import { FileTree } from '../../../tree/file-tree.ts';
import { renderCaddy } from '../caddy/render.ts';
import type { OrchestrationPart } from '../part.ts';
import { composePlays, renderComposeRoles } from './ansible.ts';
import { renderCompose } from './render.ts';
import { composeRules } from './rules.ts';
import { composeSteps } from './steps.ts';

export const composePart: OrchestrationPart = {
  render: (site) =>
    new FileTree().merge(renderCompose(site)).merge(renderCaddy(site)).merge(renderComposeRoles(site)),
  plays: composePlays,
  rules: composeRules,
  steps: composeSteps,
};
