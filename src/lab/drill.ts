// `beelab lab drill host-dies HOST`: a machine dies (container and disk gone), `rebuild HOST` brings it back through
// the real engine and the generated Ansible, then the host must answer, its services respond and the policy hold.
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.ts';
import { hostFirewall } from '../layers/physical/host-firewall.ts';
import { inCidr } from '../net/ipam.ts';
import { ask } from './agent/client.ts';
import { type LabApplyResult, labApply } from './apply.ts';
import type { LabContext } from './context.ts';
import { inventoryUsers, labAnsible, labAnsibleArgv, managementNetns } from './machines/ansible.ts';
import { type BootOptions, machinePaths, rebootMachine } from './machines/boot.ts';
import { labKeys } from './machines/keys.ts';
import { sharedRoot } from './machines/root.ts';
import { stopMachine } from './machines/stop.ts';
import type { LabReport } from './report.ts';
import { labTest } from './test.ts';

export interface DrillResult {
  host: string;
  /** Seconds from the kill to the policy holding again. */
  totalS: number;
  /** Seconds the machine took to boot fresh (inside the rebuild). */
  bootS: number;
  rebuild: LabApplyResult;
  /** The host's TCP services, probed from an address its flows admit: whether each answered. */
  services: { name: string; port: number; ok: boolean }[];
  sshOk: boolean;
  test: LabReport;
  ok: boolean;
}

async function bootOptions(ctx: LabContext, repo: string): Promise<BootOptions> {
  return {
    root: (await sharedRoot()).dir,
    keys: await labKeys(ctx.dir, ctx.site.admin.sshKeys, ctx.plan.id),
    users: inventoryUsers(repo),
    from: managementNetns(ctx),
  };
}

/** A lab address (and the namespace holding it) inside `from` (any when empty), not `except`. */
function labSource(
  ctx: LabContext,
  from: readonly string[],
  except: string,
): { address: string; netns: string } | undefined {
  const ok = (a: string) =>
    a !== except && (from.length === 0 || from.some((f) => (f.includes('/') ? inCidr(a, f) : f === a)));
  for (const v of ctx.plan.vlans) {
    for (const m of v.members) {
      if (m.kind === 'vip' || !ok(m.address)) continue;
      return { address: m.address, netns: m.machine ?? v.netns };
    }
  }
  return undefined;
}

export async function hostDies(
  ctx: LabContext,
  host: string,
  opts: { log?: (line: string) => void } = {},
): Promise<DrillResult> {
  const log = opts.log ?? (() => {});
  const m = ctx.plan.machines.find((x) => x.host === host);
  if (!m) {
    throw new UserError(`${host} is not a machine of this lab`, [
      `  machines: ${ctx.plan.machines.map((x) => x.host).join(', ') || 'none'}`,
      `  hint: sudo beelab lab up DIR --machines ${host}`,
    ]);
  }
  const site = ctx.site.hosts.find((h) => h.name === host)!;
  const repo = join(ctx.dir, 'apply');
  const boot = await bootOptions(ctx, join(ctx.dir, 'repo'));
  const start = performance.now();
  log(`drill: ${host} dies: its container is killed and its disk (upper layer) deleted`);
  await stopMachine(machinePaths(ctx.dir, m).dir, true);
  let bootS = 0;
  const rebuild = await labApply(ctx, {
    rebuild: host,
    log,
    provision: async (h, say) => {
      say(`[lab] ${h}: a fresh machine from the shared root (as Proxmox VE would create the VM)`);
      bootS = await rebootMachine(ctx, h, { ...boot, log });
    },
  });
  const a = labAnsible(ctx, repo);
  const ping = labAnsibleArgv(a, [host, '-m', 'ansible.builtin.ping']);
  const sshOk =
    (await execa(ping[0]!, ping.slice(1), { cwd: repo, env: a.env, reject: false })).exitCode === 0;
  const test = await labTest(ctx);
  // The host's services, reached from a source its flows admit (a real consumer's address, in the
  // namespace that holds it): a completed handshake answers; a refusal is a port no layer installs yet.
  const services: DrillResult['services'] = [];
  const rules = hostFirewall(ctx.site, site);
  for (const s of ctx.site.services.filter((x) => x.hosts.includes(host))) {
    for (const p of s.ports.filter((x) => x.protocol === 'tcp')) {
      const rule = rules.find((r) => r.proto === 'tcp' && r.ports.includes(p.port));
      const from = rule ? labSource(ctx, rule.from, site.address) : undefined;
      if (!from) continue;
      const res = await ask<'probe'>(
        ctx.sockets.get(from.netns)!,
        {
          op: 'probe',
          probes: [
            {
              id: 1,
              src: from.address,
              dst: site.address,
              proto: 'tcp',
              port: p.port,
              timeoutMs: 3000,
              handshake: true,
            },
          ],
          concurrency: 1,
        },
        10_000,
      );
      services.push({ name: s.name, port: p.port, ok: res.results[0]?.connected === true });
    }
  }
  const totalS = (performance.now() - start) / 1000;
  // What the layers install today on a Debian host: the node exporter (base role); sshd answered above.
  const installed = services.filter((s) => s.name === 'node-exporter');
  const ok = rebuild.status === 'done' && sshOk && installed.every((s) => s.ok) && test.ok;
  return { host, totalS, bootS, rebuild, services, sshOk, test, ok };
}
