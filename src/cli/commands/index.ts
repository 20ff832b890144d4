// Every CLI command, one module each; each module only defines options and lazily imports its work.
import type { Command } from 'commander';
import { defineGateway } from './gateway.ts';

export type DefineCommand = (program: Command) => void;

export const commands: DefineCommand[] = [defineGateway];
