// The production cluster's Talos 1.13 machine-configuration patches: one cluster patch and one per node, as
// multi-document YAML (a partial v1alpha1 config plus the network documents Talos 1.13 prefers).
import type { Host, Site, Vip, Vlan } from '../../../site/types.ts';
import { localPathKubeletMount } from './storage.ts';

/** The disk Proxmox gives a VM's first virtio-scsi drive, by id (stable across re-cabling and reboots). */
export const PROXMOX_SCSI0_BY_ID = '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi0';
/** The alias every node's one NIC gets, matched by its MAC, so no patch names a kernel interface. */
export const TALOS_LINK = 'net0';
/** Talos's own default time source (NTS-capable); the site has no NTP server of its own. */
export const TALOS_TIME_SERVERS = ['time.cloudflare.com'];

export type TalosDoc = Record<string, unknown>;

/** The Kubernetes cluster name of the production cluster. */
export function talosClusterName(site: Site): string {
  return `${site.name}-production`;
}

/** The API VIP of the Talos control planes; undefined when the site has no Talos cluster. */
export function talosVip(site: Site): Vip | undefined {
  return site.vips.find((v) => v.name === site.production.vip);
}

/** `https://VIP:6443`: the endpoint every node and kubeconfig uses. */
export function talosEndpoint(site: Site): string {
  const vip = talosVip(site);
  if (!vip) throw new Error('talosEndpoint: the site has no Talos API VIP');
  return `https://${vip.address}:6443`;
}

/** Image Factory installer for the catalog's schematic (nocloud, matching the ISO the VMs boot). */
export function talosInstallerImage(site: Site): string {
  return `factory.talos.dev/nocloud-installer/${site.versions.talosSchematic}:${site.production.version}`;
}

export function talosNodes(site: Site): Host[] {
  const names = new Set([...site.production.controlPlanes, ...site.production.workers]);
  return site.hosts.filter((h) => names.has(h.name));
}

export function isControlPlane(site: Site, host: Host): boolean {
  return site.production.controlPlanes.includes(host.name);
}

/** The cluster patch: what every node of the cluster shares (talosctl gen config --config-patch). */
export function talosClusterPatch(site: Site): TalosDoc[] {
  const { podSubnet, serviceSubnet } = site.production;
  return [
    {
      version: 'v1alpha1',
      machine: {
        install: { image: talosInstallerImage(site), wipe: false },
        kubelet: {
          // Cilium serves the node addresses on the node's own VLAN; pin kubelet to it so the VIP is never chosen.
          nodeIP: { validSubnets: [...new Set(talosNodes(site).map((h) => vlanOf(site, h).cidr))] },
          // local-path-provisioner's volumes (talos/storage.ts): the kubelet must see the directory to mount it.
          extraMounts: [localPathKubeletMount()],
        },
        features: { kubePrism: { enabled: true, port: 7445 } },
      },
      cluster: {
        clusterName: talosClusterName(site),
        controlPlane: { endpoint: talosEndpoint(site) },
        network: {
          dnsDomain: 'cluster.local',
          podSubnets: [podSubnet],
          serviceSubnets: [serviceSubnet],
          // Cilium replaces both (installed by the talos/cilium step), with its LB-IPAM for the ingress pool.
          cni: { name: 'none' },
        },
        proxy: { disabled: true },
        // Workloads run on the workers when there are any; a cluster of control planes only schedules on them.
        allowSchedulingOnControlPlanes: site.production.workers.length === 0,
      },
    },
  ];
}

function vlanOf(site: Site, host: Host): Vlan {
  const vlan = site.vlans.find((v) => v.name === host.vlan);
  if (!vlan) throw new Error(`talos: ${host.name} is on no known VLAN`);
  return vlan;
}

/** One node's patch: install disk, hostname, its NIC by MAC, address and route, resolvers, time, the VIP. */
export function talosNodePatch(site: Site, host: Host): TalosDoc[] {
  const vlan = vlanOf(site, host);
  const docs: TalosDoc[] = [
    { version: 'v1alpha1', machine: { install: { disk: PROXMOX_SCSI0_BY_ID } } },
    { apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: host.name, auto: 'off' },
    {
      apiVersion: 'v1alpha1',
      kind: 'LinkAliasConfig',
      name: TALOS_LINK,
      selector: { match: `mac(link.permanent_addr) == "${(host.mac ?? '').toLowerCase()}"` },
    },
    {
      apiVersion: 'v1alpha1',
      kind: 'LinkConfig',
      name: TALOS_LINK,
      addresses: [{ address: `${host.address}/${vlan.prefix}` }],
      routes: [{ gateway: vlan.gateway }],
    },
    {
      apiVersion: 'v1alpha1',
      kind: 'ResolverConfig',
      nameservers: [{ address: vlan.gateway }],
      searchDomains: { domains: [site.domain] },
    },
    {
      apiVersion: 'v1alpha1',
      kind: 'TimeSyncConfig',
      ntp: { servers: TALOS_TIME_SERVERS },
    },
  ];
  const vip = talosVip(site);
  if (vip && isControlPlane(site, host)) {
    docs.push({ apiVersion: 'v1alpha1', kind: 'Layer2VIPConfig', name: vip.address, link: TALOS_LINK });
  }
  return docs;
}
