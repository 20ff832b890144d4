// `lab up`: builds the Site's network from namespaces, loads the generated router files, starts the agents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Site } from '../site/types.ts';
import { startAgent } from './agents.ts';
import { type LabContext, labContext } from './context.ts';
import { listenersByNamespace } from './listeners.ts';
import { inventoryUsers, labRepo, managementNetns, overrideInventory } from './machines/ansible.ts';
import { bootMachines } from './machines/boot.ts';
import { labKeys } from './machines/keys.ts';
import { sharedRoot } from './machines/root.ts';
import { type MachineRequest, selectMachines } from './machines/select.ts';
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
  /** Debian hosts to boot as machines (`--machines`); none when absent. */
  machines?: MachineRequest;
  /**
   * Hosts the lab cannot emulate, booted anyway as Debian machines at their address to stand in for one
   * service of theirs (a drill's: the backup server's SFTP target), with what they stand in for.
   */
  standIns?: { host: string; for: string }[];
  /** Per machine: nspawn start until its sshd answers (default machines/boot.ts BOOT_TIMEOUT_MS). */
  machineTimeoutMs?: number;
  /** Aborted on Ctrl-C / SIGTERM: stop before the next step so the teardown sees everything started. */
  signal?: AbortSignal;
  /**
   * Ports of a VLAN's namespace its agent leaves free, on every address there, for the caller to run the real
   * service (or its stand-in) in their place: a test of the AI gateway serves the gateway and model ports itself.
   */
  leaveFree?: { zone: string; proto: 'tcp' | 'udp'; port: number }[];
}

/** Builds the lab. On failure the caller tears it down (it knows the id before anything exists). */
export async function labUp(site: Site, opts: UpOptions): Promise<LabContext> {
  const log = opts.log ?? (() => {});
  // Checked before anything exists: a host that cannot be emulated is a user error naming it.
  const selection = selectMachines(site, opts.machines);
  const standIns = opts.standIns ?? [];
  const standIn = new Set(standIns.map((s) => s.host));
  const machineNames = site.hosts
    .filter((h) => standIn.has(h.name) || selection.machines.includes(h))
    .map((h) => h.name);
  const ctx = labContext(site, opts.id, opts.mode, machineNames);
  const { plan } = ctx;
  createRunDir(opts.id);
  writeState({
    id: opts.id,
    mode: opts.mode,
    site: site.name,
    dir: opts.siteDir,
    createdAt: new Date().toISOString(),
    ...(machineNames.length > 0 ? { machines: machineNames } : {}),
  });
  let root: ReturnType<typeof sharedRoot> | undefined;
  let keys: Awaited<ReturnType<typeof labKeys>> | undefined;
  if (opts.machines !== undefined || standIns.length > 0) {
    for (const s of selection.stubs)
      if (!standIn.has(s.host)) log(`lab ${opts.id}: ${s.host}: ${s.what}, network stub: ${s.why}`);
    for (const s of standIns) log(`lab ${opts.id}: ${s.host}: a Debian machine standing in for ${s.for}`);
    if (machineNames.length > 0) {
      keys = await labKeys(ctx.dir, site.admin.sshKeys, opts.id);
      // The root (a debootstrap the first time, about a minute) builds while the network comes up.
      root = sharedRoot({ log, signal: opts.signal });
      root.catch(() => {});
    }
  }
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
  const byNs = listenersByNamespace(plan.vlans, plan.names, ctx.listeners);
  for (const f of opts.leaveFree ?? []) {
    const ns = plan.vlans.find((v) => v.zone === f.zone)?.netns;
    if (!ns) throw new Error(`lab: no VLAN ${f.zone} to leave ${f.proto}/${f.port} free in`);
    byNs.set(
      ns,
      (byNs.get(ns) ?? []).filter((l) => l.proto !== f.proto || l.port !== f.port),
    );
  }
  await Promise.all([...ctx.sockets.keys()].map((ns) => startAgent(ctx.dir, ns, byNs.get(ns) ?? [])));
  const count = [...ctx.listeners.vlans.values()].reduce((n, l) => n + l.length, 0);
  log(
    `lab ${opts.id}: agents up (${count} listeners on ${plan.vlans.reduce((n, v) => n + v.members.length, 0)} addresses)`,
  );
  if (root && keys) {
    const r = await root;
    opts.signal?.throwIfAborted();
    log(
      `lab ${opts.id}: Debian root ${r.built ? `built in ${(r.ms / 1000).toFixed(0)} s` : 'from the cache'} (${r.dir})`,
    );
    const users = inventoryUsers(labRepo(ctx, opts.siteDir));
    await bootMachines(ctx, {
      root: r.dir,
      keys,
      users,
      from: managementNetns(ctx),
      timeoutMs: opts.machineTimeoutMs,
      log,
      signal: opts.signal,
    });
    overrideInventory(ctx);
    log(
      `lab ${opts.id}: ${plan.machines.length} machine(s) up, SSH with the ${keys.source === 'admin' ? "admin's key" : "lab's key"}: ${plan.machines.map((m) => `${m.host} ${m.address}`).join(', ')}`,
    );
  }
  return ctx;
}
