// Every CLI command, one module each; each module only defines options and lazily imports its work.
import type { Command } from 'commander';
import { defineApply } from './apply.ts';
import { defineCheck } from './check.ts';
import { defineCommit } from './commit.ts';
import { defineDrift } from './drift.ts';
import { defineGateway } from './gateway.ts';
import { defineInit } from './init.ts';
import { defineLab } from './lab.ts';
import { definePlan } from './plan.ts';
import { defineRebuild } from './rebuild.ts';
import { defineRender } from './render.ts';
import { defineSecrets } from './secrets.ts';
import { defineStatus } from './status.ts';
import { defineUi } from './ui.ts';
import { defineWatchdog } from './watchdog.ts';

export type DefineCommand = (program: Command) => void;

export const commands: DefineCommand[] = [
  defineInit,
  defineRender,
  definePlan,
  defineCheck,
  defineCommit,
  defineDrift,
  defineGateway,
  defineWatchdog,
  defineStatus,
  defineLab,
  defineApply,
  defineRebuild,
  defineSecrets,
  defineUi,
];
