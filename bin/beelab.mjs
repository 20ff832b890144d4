#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx so a clean `npm ci` needs no build step. It runs in
// this one process (no child); under npx, long-running commands also stop when npx is stopped
// (src/cli/launcher.ts: npm's `sh -c` would otherwise leave this process orphaned and serving).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
