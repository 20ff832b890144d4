// Everything a lab run derives from the Site, purely: router files, topology, listeners, agent sockets.
import { existsSync } from 'node:fs';
import { type LinuxRouter, renderLinuxRouter } from '../layers/network/linux/render.ts';
import type { Site } from '../site/types.ts';
import { agentSocket } from './agents.ts';
import { type LabListeners, labListeners } from './listeners.ts';
import { type LabPlan, type LinkMode, planLab } from './plan.ts';
import { runDir } from './state.ts';

export interface LabContext {
  site: Site;
  router: LinuxRouter;
  plan: LabPlan;
  listeners: LabListeners;
  dir: string;
  /** Control socket of the agent in each namespace that runs one. */
  sockets: Map<string, string>;
}

/** 802.1Q subinterfaces need the 8021q module (absent on some kernels, e.g. this project's CI VMs). */
export function detectLinkMode(): LinkMode {
  return existsSync('/proc/net/vlan') || existsSync('/sys/module/8021q') ? 'trunk' : 'veth';
}

/** `machines`: names of the hosts booted as machines (selected and checked by machines/select.ts). */
export function labContext(site: Site, id: string, mode: LinkMode, machines: string[] = []): LabContext {
  // The lab names its interfaces exactly like the real router, so the rendered files run unchanged.
  const router = renderLinuxRouter(site);
  const hosts = site.hosts.filter((h) => machines.includes(h.name));
  const plan = planLab(site, router, id, mode, hosts);
  const listeners = labListeners(site, router, plan.vlans);
  const dir = runDir(id);
  const agentNs = [
    plan.names.router,
    plan.names.inet,
    ...plan.vlans.map((v) => v.netns),
    ...plan.machines.map((m) => m.netns),
  ];
  return {
    site,
    router,
    plan,
    listeners,
    dir,
    sockets: new Map(agentNs.map((n) => [n, agentSocket(dir, n)])),
  };
}
