// ansible/inventory.yml: every host once with its connection vars, grouped by role, by layer and by SSH access.
import type { Host, Site } from '../../site/types.ts';
import { GENERATED_NOTICE, toYaml } from '../../tree/serialize/index.ts';
import { ansibleAccess, isDebianFamily } from './ansible-access.ts';

export const INVENTORY_PATH = 'ansible/inventory.yml';

/** Ansible warns about group names that are not Python identifiers; roles and layers are mapped to those. */
export function groupName(name: string): string {
  const g = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(g) ? `_${g}` : g;
}

type HostVars = Record<string, string | number | boolean>;
type Group = { hosts?: Record<string, HostVars | null>; vars?: HostVars; children?: Record<string, Group> };

/**
 * Only what playbooks need per host: the rest is derivable (FQDN = name + beelab_domain from
 * group_vars/all.yml, OS and kind from the role and layer groups), and every extra key costs at 1000 hosts.
 */
function hostVars(site: Site, host: Host): HostVars {
  const access = ansibleAccess(host);
  const vars: HostVars = { ansible_host: host.address, beelab_vlan: host.vlan };
  if (access.ssh) {
    vars.ansible_user = access.user;
    Object.assign(vars, access.vars ?? {});
  } else {
    vars.beelab_managed_by = access.managedBy;
  }
  if (host.vm) {
    vars.beelab_vm_node = host.vm.node;
    vars.beelab_vmid = host.vm.vmid;
  }
  if (host.mac) vars.beelab_mac = host.mac;
  if (host.name === site.firewall.host) vars.beelab_firewall_platform = site.firewall.platform;
  return vars;
}

/** The inventory as a plain object (sorted on output), for the renderer and for tests. */
export function inventoryObject(site: Site): { all: Group } {
  const hosts: Record<string, HostVars> = {};
  const groups = new Map<string, Set<string>>();
  const addTo = (group: string, host: string) => {
    const set = groups.get(group) ?? new Set<string>();
    set.add(host);
    groups.set(group, set);
  };
  for (const h of site.hosts) {
    hosts[h.name] = hostVars(site, h);
    for (const role of h.roles) addTo(groupName(role), h.name);
    for (const layer of h.layers) addTo(`layer_${groupName(layer)}`, h.name);
    addTo(ansibleAccess(h).ssh ? 'ssh' : 'no_ssh', h.name);
    if (isDebianFamily(h)) addTo('debian', h.name);
  }
  const children: Record<string, Group> = {};
  for (const [name, members] of groups) {
    children[name] = { hosts: Object.fromEntries([...members].map((m) => [m, null])) };
  }
  return {
    all: {
      hosts,
      children,
    },
  };
}

export function renderInventory(site: Site): string {
  const header = [
    GENERATED_NOTICE,
    '',
    'Every host of the site once under all.hosts (connection vars), then groups by role (pve, pbs,',
    'talos_controlplane, k3s_server, watchdog, ...), by layer (layer_physical, layer_network, ...) and',
    'by access: `ssh` holds the hosts Ansible manages; `no_ssh` holds hosts listed for reference only',
    '(Talos is driven by talosctl, OPNsense/pfSense by their config.xml, smart plugs by HTTP).',
    '`debian` is the part of `ssh` that takes the Debian base role (Debian, Ubuntu, Proxmox, Raspberry Pi OS).',
    'Target `ssh` (or a role group) in playbooks, never `all`.',
    '',
    '  ansible-inventory -i ansible/inventory.yml --graph',
  ].join('\n');
  return toYaml(inventoryObject(site), { sortKeys: true, header });
}
