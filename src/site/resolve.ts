// resolve(spec, lock) → Site: pure and deterministic; every allocation goes through the lock.
import { UserError } from '../errors.ts';
import type { Spec } from '../spec/schema.ts';
import { withTierDefaults } from '../spec/tiers.ts';
import { allocateAddresses, allocateMacs, allocateVmids, placeVms, RangePool } from './allocate.ts';
import { buildFlows } from './flows.ts';
import { hostRequests, vlanFor } from './hosts.ts';
import { isPrivate, parseCidr } from './ipam.ts';
import { type Lock, LockBook } from './lock.ts';
import { buildServices } from './services.ts';
import type { Host, LbPool, Site, Vip } from './types.ts';
import { resolveVlans } from './vlans.ts';

export interface Resolved {
  site: Site;
  /** The lock to write back: every allocation of this Site, and nothing else. */
  lock: Lock;
}

interface VipRequest {
  name: string;
  vlan: string;
  purpose: string;
}

export function resolve(input: Spec, oldLock?: Lock): Resolved {
  const spec = withTierDefaults(input);
  const book = new LockBook(oldLock);
  const supernetText = spec.network?.supernet ?? '10.20.0.0/16';
  const supernet = parseCidr(supernetText);
  if (!supernet || !isPrivate(supernet)) {
    throw new UserError(
      `network.supernet ${supernetText} must be a private IPv4 range (10/8, 172.16/12, 192.168/16)`,
    );
  }
  const specVlans = spec.network?.vlans ?? [];
  if (specVlans.length === 0)
    throw new UserError('network.vlans is empty: a site needs at least a management VLAN');
  const vlans = resolveVlans(specVlans, supernet, book);
  const vlanByName = new Map(vlans.map((v) => [v.name, v]));

  const requests = hostRequests(spec, vlans);
  const vms = requests.filter((r) => r.kind === 'vm');
  const pveNodes = requests
    .filter((r) => r.kind === 'physical' && r.roles.includes('pve'))
    .map((r) => ({ name: r.name, memoryGb: r.memoryGb ?? 64 }));
  if (vms.length > 0 && pveNodes.length === 0) {
    throw new UserError('nodes: the site has VMs to run but no Proxmox node (role primary or compute)');
  }
  const placements = vms.length > 0 ? placeVms(vms, pveNodes, book) : new Map<string, string>();
  const vmids = allocateVmids(
    vms.map((v) => v.name),
    book,
  );
  const macs = allocateMacs(
    spec.site.name,
    vms.map((v) => v.name),
    book,
  );

  const staticPools = new Map(vlans.map((v) => [v.name, new RangePool(v, v.staticRange, 'static')]));
  const fwName = requests[0]!.name;
  const mgmt = vlanByName.get(requests[0]!.vlan)!;
  const addresses = allocateAddresses(
    requests.map((r) => ({
      key: `host/${r.name}`,
      vlan: vlanByName.get(r.vlan)!,
      ...(r.name === fwName ? { fixed: mgmt.gateway } : r.fixedAddress ? { fixed: r.fixedAddress } : {}),
    })),
    staticPools,
    book,
  );

  const vipRequests: VipRequest[] = [];
  if (requests.some((r) => r.roles.includes('talos_controlplane'))) {
    vipRequests.push({
      name: 'talos-api',
      vlan: vlanFor(vlans, 'servers'),
      purpose: 'Kubernetes API VIP of the Talos cluster',
    });
  }
  if (requests.some((r) => r.roles.includes('k3s_server'))) {
    vipRequests.push({
      name: 'k3s-api',
      vlan: vlanFor(vlans, 'devops'),
      purpose: 'Kubernetes API VIP of the k3s cluster',
    });
  }
  const appsOn = new Set(
    (spec.apps ?? []).map((a) => (typeof a === 'string' ? 'compose' : (a.on ?? 'compose'))),
  );
  if (appsOn.has('devops'))
    vipRequests.push({
      name: 'k3s-ingress',
      vlan: vlanFor(vlans, 'devops'),
      purpose: 'Ingress of the k3s cluster (MetalLB)',
    });
  if (appsOn.has('production'))
    vipRequests.push({
      name: 'talos-ingress',
      vlan: vlanFor(vlans, 'servers'),
      purpose: 'Ingress of the Talos cluster (Cilium LB-IPAM)',
    });
  const vipPools = new Map(vlans.map((v) => [v.name, new RangePool(v, v.vipRange, 'VIP')]));
  const vipAddr = allocateAddresses(
    vipRequests.map((v) => ({ key: `vip/${v.name}`, vlan: vlanByName.get(v.vlan)! })),
    vipPools,
    book,
  );
  const vips: Vip[] = vipRequests.map((v) => ({
    key: `vip/${v.name}`,
    name: v.name,
    fqdn: `${v.name}.${spec.site.domain}`,
    vlan: v.vlan,
    address: vipAddr.get(`vip/${v.name}`)!,
    purpose: v.purpose,
  }));

  const pools: LbPool[] = [];
  const k3sVlan = vlanByName.get(vlanFor(vlans, 'devops'))!;
  if (requests.some((r) => r.roles.includes('k3s_server')) && k3sVlan.poolRange) {
    pools.push({
      name: 'k3s-lb',
      vlan: k3sVlan.name,
      range: k3sVlan.poolRange,
      purpose: 'MetalLB pool of the k3s cluster',
    });
  }
  const talosVlan = vlanByName.get(vlanFor(vlans, 'servers'))!;
  if (
    requests.some((r) => r.roles.includes('talos')) &&
    talosVlan.poolRange &&
    talosVlan.name !== k3sVlan.name
  ) {
    pools.push({
      name: 'talos-lb',
      vlan: talosVlan.name,
      range: talosVlan.poolRange,
      purpose: 'Cilium LB-IPAM pool of the Talos cluster',
    });
  }

  const hosts: Host[] = requests.map((r) => {
    const { fixedAddress: _fixed, vm, ...rest } = r;
    const host: Host = {
      ...rest,
      fqdn: `${r.name}.${spec.site.domain}`,
      address: addresses.get(`host/${r.name}`)!,
    };
    if (vm) {
      host.vm = {
        node: placements.get(r.name)!,
        vmid: vmids.get(r.name)!,
        cores: vm.cores,
        memoryGb: vm.memoryGb,
        diskGb: vm.diskGb,
      };
      host.mac = macs.get(r.name)!;
    }
    return host;
  });

  const names = (role: string) => hosts.filter((h) => h.roles.includes(role)).map((h) => h.name);
  const gatewayHost = names('ai_head')[0] ?? names('ai_secondary')[0];
  const services = buildServices(spec, hosts, vlans, spec.site.domain, gatewayHost);
  const flows = buildFlows(services, vips);
  const obs = spec.observability ?? {};
  const retention = spec.backup?.retention ?? {};

  const site: Site = {
    name: spec.site.name,
    domain: spec.site.domain,
    timezone: spec.site.timezone ?? 'UTC',
    tier: spec.tier ?? 'reference',
    admin: {
      ...(spec.site.admin?.email ? { email: spec.site.admin.email } : {}),
      sshKeys: spec.site.admin?.sshKeys ?? [],
      ageRecipients: spec.site.admin?.ageRecipients ?? [],
    },
    supernet: supernetText,
    firewall: {
      platform: spec.network?.firewall?.platform ?? 'opnsense',
      host: fwName,
      wan: spec.network?.firewall?.wan ?? 'igc0',
      trunk: spec.network?.firewall?.trunk ?? 'igc1',
      asVm: requests[0]!.kind === 'vm',
    },
    vlans,
    hosts,
    vips,
    pools,
    services,
    flows,
    storage: {
      pool: spec.storage?.pool ?? 'tank',
      layout: spec.storage?.layout ?? 'mirror',
      sync: spec.storage?.sync ?? 'none',
      nfs: spec.storage?.nfs ?? true,
      host: names('pve_primary')[0] ?? names('pve')[0] ?? '',
    },
    ...(spec.ups?.enabled
      ? {
          ups: {
            ...(spec.ups.model ? { model: spec.ups.model } : {}),
            driver: spec.ups.driver ?? 'usbhid-ups',
            host: spec.ups.host ?? names('pve_primary')[0] ?? '',
          },
        }
      : {}),
    production: {
      controlPlanes: names('talos_controlplane'),
      workers: names('talos_worker'),
      version: spec.production?.version ?? 'v1.13.9',
      ...(vips.some((v) => v.name === 'talos-api') ? { vip: 'talos-api' } : {}),
    },
    devops: {
      servers: names('k3s_server'),
      agents: names('k3s_agent'),
      version: spec.devops?.version ?? 'v1.34.2+k3s1',
      ...(vips.some((v) => v.name === 'k3s-api') ? { vip: 'k3s-api' } : {}),
      ...(pools.some((p) => p.name === 'k3s-lb') ? { pool: 'k3s-lb' } : {}),
    },
    ai: {
      nodes: (spec.ai?.nodes ?? []).map((n) => ({
        host: n.name,
        role: n.role,
        backends: n.backends ?? ['ollama'],
        models: n.models ?? [],
        ...(n.hardware ? { memoryGb: n.hardware.memoryGb } : {}),
      })),
      gatewayPort: spec.ai?.gatewayPort ?? 4000,
      ...(gatewayHost ? { gatewayHost } : {}),
      ...(spec.ai?.tailnet ? { tailnet: spec.ai.tailnet } : {}),
    },
    backup: {
      ...((spec.backup?.primary ?? names('pbs')[0])
        ? { primary: spec.backup?.primary ?? names('pbs')[0]! }
        : {}),
      ...(spec.backup?.mirror ? { mirror: spec.backup.mirror } : {}),
      retention: {
        daily: retention.daily ?? 7,
        weekly: retention.weekly ?? 4,
        monthly: retention.monthly ?? 6,
        yearly: retention.yearly ?? 0,
      },
      schedule: spec.backup?.schedule ?? '*-*-* 02:00',
      clonezilla: spec.backup?.clonezilla ?? true,
    },
    observability: {
      alerts: obs.alerts ?? [],
      ...(names('wazuh_manager')[0] ? { securityNode: names('wazuh_manager')[0]! } : {}),
      ...(names('honeypot')[0] ? { honeypot: names('honeypot')[0]! } : {}),
      monitor: names('prometheus')[0] ?? '',
    },
    watchdogs: (spec.watchdogs ?? []).map((w) => ({
      host: w.name,
      relay: w.relay,
      ...(w.relayHost ? { relayHost: w.relayHost } : {}),
      ...(w.relay === 'gpio' ? { gpioPin: w.gpioPin ?? 17 } : {}),
      targets: w.targets,
    })),
  };
  return { site, lock: book.result() };
}
