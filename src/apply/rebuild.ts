// `beelab rebuild`: the steps that bring a host (or the site) back from bare hardware, in phase order.

import { REBUILD_PHASES, type RebuildPhase, type Step, type Verify } from '../layers/step.ts';
import type { Host, Site } from '../site/types.ts';

const PHASE_RANK = new Map<RebuildPhase, number>(REBUILD_PHASES.map((p, i) => [p, i]));
export function phaseRank(p: RebuildPhase): number {
  return PHASE_RANK.get(p)!;
}

function prefixLen(site: Site, host: Host): string {
  const vlan = site.vlans.find((v) => v.name === host.vlan);
  return vlan
    ? `${host.address}/${vlan.prefix}, gateway ${vlan.gateway}, VLAN ${vlan.id} (${vlan.name})`
    : host.address;
}

function systemDrive(host: Host): string {
  const d = host.drives.find((x) => x.role === 'system');
  return d ? `/dev/disk/by-id/${d.id}` : 'the system drive';
}

/** The operator's part of bringing one host back: install media, power, first boot. One manual step per host. */
function bootstrapStep(site: Site, host: Host): Step {
  const id = `rebuild/${host.name}/install`;
  const net = prefixLen(site, host);
  const ssh = (port = 22): Verify => ({ kind: 'tcp', host: host.address, port, timeoutMs: 10_000 });
  const manual = (
    phase: RebuildPhase,
    title: string,
    instructions: string[],
    verify: Verify | undefined,
  ): Step => ({
    id,
    layer: 'physical',
    title,
    hosts: [host.name],
    run: { kind: 'manual', prompt: title, instructions },
    inputs: [],
    ...(verify ? { verify } : {}),
    rebuild: { phase },
  });
  const keyLine = site.admin.sshKeys.length
    ? 'Add the admin SSH key(s) from beelab.yaml (site.admin.sshKeys) for the Ansible user.'
    : 'Add your admin SSH key for the Ansible user (beelab.yaml has none in site.admin.sshKeys).';

  if (host.roles.includes('smart_plug')) {
    return manual(
      'hypervisor',
      `Reset smart plug ${host.name} and give it ${host.address}`,
      [
        `Factory-reset the plug, join it to the network, set a static address ${net}.`,
        'Re-enter the relay credentials the watchdog uses (see secrets/ and docs/recovery-kit.md).',
      ],
      { kind: 'tcp', host: host.address, port: 80, timeoutMs: 10_000 },
    );
  }
  switch (host.kind) {
    case 'appliance':
      return manual(
        'firewall',
        `Install ${host.os} on ${host.name} from its installer image`,
        [
          `Boot ${host.name} from the ${host.os} installer (USB), install to ${systemDrive(host)}.`,
          `Assign the interfaces: WAN ${site.firewall.wan}, trunk ${site.firewall.trunk}; leave the defaults otherwise.`,
          'The next step loads the generated configuration.',
        ],
        undefined,
      );
    case 'physical':
      if (host.os === 'proxmox-ve' || host.os === 'proxmox-backup') {
        const product = host.os === 'proxmox-ve' ? 'Proxmox VE' : 'Proxmox Backup Server';
        return manual(
          host.os === 'proxmox-ve' ? 'hypervisor' : 'storage',
          `Install ${product} on ${host.name} from the installer ISO`,
          [
            `Boot ${host.name} from the ${product} ISO (USB), target disk ${systemDrive(host)}.`,
            `Hostname ${host.fqdn}, management interface ${host.nic ?? 'the first NIC'}, address ${net}.`,
            `Leave the pool drives (${
              host.drives
                .filter((d) => d.role !== 'system')
                .map((d) => d.id)
                .join(', ') || 'none'
            }) untouched: the storage steps import them.`,
            keyLine,
          ],
          ssh(host.os === 'proxmox-ve' ? 8006 : 8007),
        );
      }
      return manual(
        'hypervisor',
        `Install Debian 12 on ${host.name}`,
        [
          `Boot ${host.name} from the Debian 12 netinst ISO, install to ${systemDrive(host)}, SSH server only.`,
          `Hostname ${host.fqdn}, static address ${net}.`,
          keyLine,
        ],
        ssh(),
      );
    case 'vm': {
      const vm = host.vm!;
      const vlan = site.vlans.find((v) => v.name === host.vlan);
      const create = `qm create ${vm.vmid} --name ${host.name} --cores ${vm.cores} --memory ${vm.memoryGb * 1024} --net0 virtio${host.mac ? `=${host.mac}` : ''},bridge=vmbr0${vlan ? `,tag=${vlan.id}` : ''} --scsi0 local-zfs:${vm.diskGb}`;
      const talos = host.os === 'talos';
      return manual(
        'vm',
        `Recreate VM ${vm.vmid} (${host.name}) on ${vm.node}`,
        [
          `Restore it from the latest backup if there is one: on ${vm.node}, qmrestore <PBS storage>:backup/vm/${vm.vmid}/<latest> ${vm.vmid}`,
          `or create it empty on ${vm.node}: ${create}`,
          talos
            ? 'Attach the Talos ISO, boot; the cluster steps apply its machine config.'
            : `Attach the Debian 12 cloud image / installer, address ${net}; ${keyLine}`,
          `Start it: qm start ${vm.vmid}`,
        ],
        talos ? { kind: 'tcp', host: host.address, port: 50000, timeoutMs: 10_000 } : ssh(),
      );
    }
    case 'mac':
      return manual(
        'hypervisor',
        `Set up macOS on ${host.name}`,
        [
          `Erase and install macOS (Recovery: hold the power button), create the user \`admin\`.`,
          `System Settings ▸ General ▸ Sharing: Remote Login on; static address ${net}.`,
          keyLine,
          'Disable sleep (System Settings ▸ Energy: prevent automatic sleeping) so the mesh stays reachable.',
        ],
        ssh(),
      );
    case 'pi':
      return manual(
        'hypervisor',
        `Flash Raspberry Pi OS Lite for ${host.name}`,
        [
          'Write Raspberry Pi OS Lite (64-bit) to the SD card with Raspberry Pi Imager: user `pi`, SSH on.',
          `Hostname ${host.name}, static address ${net} (or a DHCP reservation for its MAC).`,
          keyLine,
          'Reconnect the relay / plug wiring as in docs/watchdog.md, then power it on.',
        ],
        ssh(),
      );
  }
}

export interface RebuildSelection {
  steps: Step[];
  /** Facts the plan prints: what is assumed up, what no layer restores yet. */
  notes: string[];
}

/**
 * The rebuild steps for `target` (a host name, or undefined for the whole site): one bootstrap step per
 * host (unless a layer step `provisions` it), the layers' steps with `rebuild`, and
 * ordering edges: per host by phase; a VM after its Proxmox node; everything after the firewall.
 */
export function rebuildSteps(site: Site, layerSteps: readonly Step[], target?: string): RebuildSelection {
  const notes: string[] = [];
  const hostsByName = new Map(site.hosts.map((h) => [h.name, h]));
  const own = layerSteps.filter((s) => s.rebuild);
  const provisioned = new Set(own.filter((s) => s.rebuild!.provisions).flatMap((s) => s.hosts));
  const boot = site.hosts.filter((h) => !provisioned.has(h.name)).map((h) => bootstrapStep(site, h));
  let all = [...boot, ...own];
  if (target !== undefined) {
    all = all.filter((s) => s.hosts.includes(target));
    const host = hostsByName.get(target)!;
    if (host.vm) notes.push(`${host.vm.node} (the Proxmox node of ${target}) is assumed up.`);
    if (target !== site.firewall.host) notes.push(`The firewall ${site.firewall.host} is assumed up.`);
  }
  const rank = (s: Step) => phaseRank(s.rebuild!.phase);
  const isBoot = (s: Step) => s.id.startsWith('rebuild/');
  all.sort((a, b) => rank(a) - rank(b) || Number(isBoot(b)) - Number(isBoot(a)));
  const ids = new Set(all.map((s) => s.id));

  // The firewall comes first, except for what it stands on (its own host and, for a VM firewall, its node).
  const fw = hostsByName.get(site.firewall.host);
  const fwBase = new Set([site.firewall.host, ...(fw?.vm ? [fw.vm.node] : [])]);
  const firewallSteps = all.filter((s) => s.rebuild!.phase === 'firewall').map((s) => s.id);

  const withEdges = all.map((s) => {
    const after = new Set((s.after ?? []).filter((d) => ids.has(d)));
    for (const d of s.after ?? []) if (!ids.has(d)) notes.push(`${s.id}: ${d} is assumed done.`);
    for (const h of s.hosts) {
      for (const o of all) {
        if (o === s || !o.hosts.includes(h)) continue;
        // A host's bootstrap (its bare install) precedes every layer step on it; layer steps go by phase.
        if (isBoot(s)) continue;
        if (isBoot(o) || rank(o) < rank(s)) after.add(o.id);
      }
      const vmNode = hostsByName.get(h)?.vm?.node;
      if (vmNode) {
        for (const o of all) {
          if (!o.hosts.includes(vmNode) || rank(o) > phaseRank('storage')) continue;
          // A firewall VM needs its node installed, nothing more: the node's configuration needs the network.
          if (fwBase.has(h) && !isBoot(o)) continue;
          after.add(o.id);
        }
      }
    }
    if (!s.hosts.some((h) => fwBase.has(h))) for (const f of firewallSteps) if (f !== s.id) after.add(f);
    return { ...s, after: [...after] };
  });
  const restoring = new Set(all.filter((s) => s.rebuild!.phase === 'restore').flatMap((s) => s.hosts));
  const dataHosts = new Set(site.services.filter((sv) => sv.volumes.length > 0).flatMap((sv) => sv.hosts));
  for (const h of [...dataHosts].sort()) {
    if ((target === undefined || target === h) && hostsByName.has(h) && !restoring.has(h)) {
      notes.push(`${h} holds service data but no layer declares a restore step for it yet: restore by hand.`);
    }
  }
  return { steps: withEdges, notes: [...new Set(notes)] };
}
