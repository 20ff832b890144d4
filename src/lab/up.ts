// `lab up`: builds the Site's network from namespaces, loads the generated router files, starts the agents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Site } from '../site/types.ts';
import { startAgent } from './agents.ts';
import { type LabContext, labContext } from './context.ts';
import type { LinkMode } from './plan.ts';
import { startRouter } from './router.ts';
import { createRunDir, writeState } from './state.ts';
import { ipBatch } from './system.ts';

/** Prints a DHCP lease as `lease <ip> <router> <dns>`; changes nothing in the namespace. */
export const UDHCPC_SCRIPT = '#!/bin/sh\n[ "$1" = bound ] && echo "lease $ip $router $dns"\nexit 0\n';

export interface UpOptions {
  id: string;
  mode: LinkMode;
  /** Directory the Site came from, recorded for `lab test` / `lab down`. */
  siteDir: string;
  log?: (line: string) => void;
}

/** Builds the lab. On failure the caller tears it down (it knows the id before anything exists). */
export async function labUp(site: Site, opts: UpOptions): Promise<LabContext> {
  const log = opts.log ?? (() => {});
  const ctx = labContext(site, opts.id, opts.mode);
  const { plan } = ctx;
  createRunDir(opts.id);
  writeState({
    id: opts.id,
    mode: opts.mode,
    site: site.name,
    dir: opts.siteDir,
    createdAt: new Date().toISOString(),
  });
  writeFileSync(join(ctx.dir, 'udhcpc.sh'), UDHCPC_SCRIPT, { mode: 0o755 });
  log(
    `lab ${opts.id}: ${plan.namespaces.length} namespaces, ${plan.vlans.length} VLANs (${opts.mode} links)`,
  );
  await ipBatch(plan.namespaces.map((n) => `netns add ${n}`));
  // In order: the switch side of a trunk exists only once the router has created it.
  for (const b of plan.links) await ipBatch(b.lines, b.netns);
  await Promise.all(plan.config.map((b) => ipBatch(b.lines, b.netns)));
  await startRouter(ctx.dir, plan.names.router, ctx.router);
  log(`lab ${opts.id}: router up (nftables, dnsmasq)`);
  const started = [
    startAgent(ctx.dir, plan.names.router, ctx.listeners.router),
    startAgent(ctx.dir, plan.names.inet, ctx.listeners.internet),
    ...plan.vlans.map((v) => startAgent(ctx.dir, v.netns, ctx.listeners.vlans.get(v.zone) ?? [])),
  ];
  await Promise.all(started);
  const count = [...ctx.listeners.vlans.values()].reduce((n, l) => n + l.length, 0);
  log(
    `lab ${opts.id}: agents up (${count} listeners on ${plan.vlans.reduce((n, v) => n + v.members.length, 0)} addresses)`,
  );
  return ctx;
}
