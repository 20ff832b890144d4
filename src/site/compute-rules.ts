// Rules over the VMs as the Site places them: memory per Proxmox VE node within the spec's over-commit ratio,
// `compute.vms` naming VMs the site has, and a pinned VM id that the lock already gave another VM. Run in the
// spec's rule runner (src/site/plan-rules.ts), against the lock when the caller has one, so the placement
// judged is the one render will use.
import { closest } from '../kernel/suggest.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import type { SpecPath } from '../spec/locate.ts';
import type { Finding, RuleContext } from '../spec/rules/rule.ts';
import type { SiteContribution } from './contribution.ts';
import type { Lock } from './lock.ts';
import { siteOf } from './spec-site.ts';
import type { Host, Site } from './types.ts';

/** GB with at most two decimals, for messages. */
const gb = (n: number) => `${Math.round(n * 100) / 100} GB`;

/** The VMs on each Proxmox VE node must fit in what the node has for VMs, times the over-commit ratio. */
export function memoryFindings(ctx: RuleContext, site: Site): Finding[] {
  const { spec, written } = ctx;
  const out: Finding[] = [];
  const ratio = spec.compute?.memoryOvercommit ?? DEFAULTS.compute.memoryOvercommit;
  const reserved = DEFAULTS.compute.reservedGb;
  const pins = Array.isArray(spec.compute?.vms) ? spec.compute.vms : [];
  const byNode = new Map<string, Host[]>();
  for (const h of site.hosts) if (h.vm) byNode.set(h.vm.node, [...(byNode.get(h.vm.node) ?? []), h]);
  for (const node of site.hosts.filter((h) => h.kind === 'physical' && h.roles.includes('pve'))) {
    // Without memoryGb the node's memory is unknown: placement assumes some, but nothing can be claimed.
    if (node.memoryGb === undefined) continue;
    const vms = byNode.get(node.name) ?? [];
    const used = vms.reduce((n, v) => n + v.vm!.memoryGb, 0);
    const limit = Math.max(0, node.memoryGb - reserved) * ratio;
    if (used <= limit + 1e-9) continue;
    const i = (spec.nodes ?? []).findIndex((n) => n?.name === node.name);
    // Blame the VM the user pinned here, else the node's memory, else the ratio, else the node.
    const pinned = pins
      .map((p, k) => [p, k] as const)
      .filter(([p]) => p?.node === node.name && vms.some((v) => v.name === p.name))
      .map(([, k]): SpecPath => ['compute', 'vms', k, 'node'])
      .filter((p) => written(p));
    const candidates: SpecPath[] = [
      ...pinned.slice(-1),
      ['nodes', i, 'memoryGb'],
      ['compute', 'memoryOvercommit'],
      ['nodes', i],
    ];
    const path = candidates.find((p) => written(p)) ?? ['nodes', i, 'memoryGb'];
    const groups = [
      vms.some((v) => v.roles.includes('talos')) ? 'production.memoryGb' : '',
      vms.some((v) => v.roles.includes('k3s')) ? 'devops.memoryGb' : '',
    ].filter((s) => s !== '');
    out.push({
      code: 'capacity/memory',
      path,
      message: `${node.name} would run ${gb(used)} of VMs (${vms.map((v) => `${v.name} ${v.vm!.memoryGb}`).join(', ')}), more than the ${gb(limit)} it can give them: ${node.memoryGb} GB less ${reserved} GB for Proxmox VE and the ZFS ARC${ratio === 1 ? ', with no over-commit' : `, times compute.memoryOvercommit ${ratio}`}`,
      hint: [
        `give ${node.name} more memory (nodes[${i}].memoryGb)`,
        'add a compute node',
        ...(groups.length > 0 ? [`lower ${groups.join(' or ')}`] : []),
        ...(pinned.length > 0 ? ['pin fewer VMs to it (compute.vms[].node)'] : []),
        'or allow over-commit with compute.memoryOvercommit (e.g. 1.5, when ballooning and KSM can make up for it)',
      ].join(', '),
    });
  }
  return out;
}

/** Every `compute.vms` entry names a VM of the site. */
export function unknownVmFindings(ctx: RuleContext, site: Site): Finding[] {
  const pins = Array.isArray(ctx.spec.compute?.vms) ? ctx.spec.compute.vms : [];
  const vms = site.hosts.filter((h) => h.kind === 'vm').map((h) => h.name);
  const out: Finding[] = [];
  pins.forEach((p, i) => {
    if (typeof p?.name !== 'string' || vms.includes(p.name)) return;
    const host = site.hosts.find((h) => h.name === p.name);
    const guess = closest(p.name, vms);
    out.push({
      code: 'vm/unknown',
      path: ['compute', 'vms', i, 'name'],
      message: host
        ? `compute.vms[${i}] "${p.name}" is a ${host.kind} host, not a VM: only VMs have a VM id and a node`
        : `compute.vms[${i}] "${p.name}" is not a VM of this site`,
      hint: guess
        ? `did you mean \`${guess}\`? (VMs: ${vms.join(', ')})`
        : `VMs: ${vms.length > 0 ? vms.join(', ') : 'none'}`,
    });
  });
  return out;
}

/**
 * A pinned VM id that beelab.lock.yaml holds for another VM: render would move that VM to a new id, and on
 * Proxmox VE the id is still taken by it. An id of a VM the site no longer has is a warning: it may be gone.
 */
export function lockedVmidFindings(ctx: RuleContext, site: Site, lock: Lock): Finding[] {
  const pins = Array.isArray(ctx.spec.compute?.vms) ? ctx.spec.compute.vms : [];
  const holder = new Map<number, string>();
  for (const [key, id] of Object.entries(lock.vmids)) if (!holder.has(id)) holder.set(id, key);
  const vms = new Set(site.hosts.filter((h) => h.kind === 'vm').map((h) => h.name));
  const out: Finding[] = [];
  pins.forEach((p, i) => {
    if (typeof p?.vmid !== 'number' || typeof p.name !== 'string') return;
    const key = holder.get(p.vmid);
    if (!key || key === `vm/${p.name}`) return;
    const other = key.replace(/^vm\//, '');
    const own = lock.vmids[`vm/${p.name}`];
    const exists = vms.has(other);
    out.push({
      code: 'vm/vmid-locked',
      ...(exists ? {} : { severity: 'warning' as const }),
      path: ['compute', 'vms', i, 'vmid'],
      message: exists
        ? `compute.vms[${i}].vmid ${p.vmid} (${p.name}) is the VM id beelab.lock.yaml holds for ${other}: two VMs cannot share it, and ${other} would be moved to a new id`
        : `compute.vms[${i}].vmid ${p.vmid} (${p.name}) is the VM id beelab.lock.yaml holds for ${other}, which the site no longer has: VM ${p.vmid} may still exist on Proxmox VE`,
      hint: exists
        ? `choose an id the lock does not hold${own !== undefined ? ` (${p.name} has ${own} now: leave vmid out to keep it)` : ''}, or pin ${other} to another id first`
        : `make sure VM ${p.vmid} (${other}) is gone (\`qm destroy ${p.vmid}\` on its node) before you render, or choose another id`,
    });
  });
  return out;
}

/** The compute rules over the resolved Site, as one spec rule (see planRuleOptions). */
export function computeSiteRules(
  ctx: RuleContext,
  contributions: readonly SiteContribution[],
  lock: Lock | undefined,
): Finding[] {
  const site = siteOf(contributions, ctx.spec, lock);
  if (!site) return [];
  return [
    ...memoryFindings(ctx, site),
    ...unknownVmFindings(ctx, site),
    ...(lock ? lockedVmidFindings(ctx, site, lock) : []),
  ];
}
