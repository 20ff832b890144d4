// ansible/group_vars/all.yml: site facts every playbook may read, so none of them hard-codes an address.
import type { Site } from '../../site/types.ts';
import { GENERATED_NOTICE, toYaml } from '../../tree/serialize/index.ts';

export const GROUP_VARS_ALL_PATH = 'ansible/group_vars/all.yml';

export function siteFacts(site: Site): Record<string, unknown> {
  const fw = site.hosts.find((h) => h.name === site.firewall.host);
  return {
    beelab_site: site.name,
    beelab_domain: site.domain,
    beelab_timezone: site.timezone,
    beelab_tier: site.tier,
    beelab_supernet: site.supernet,
    beelab_admin_email: site.admin.email ?? '',
    beelab_admin_ssh_keys: site.admin.sshKeys,
    beelab_dns_server: fw?.address ?? '',
    beelab_firewall: {
      host: site.firewall.host,
      platform: site.firewall.platform,
      as_vm: site.firewall.asVm,
    },
    beelab_vlans: site.vlans.map((v) => ({
      name: v.name,
      id: v.id,
      purpose: v.purpose,
      cidr: v.cidr,
      gateway: v.gateway,
      dhcp: v.dhcp,
    })),
    beelab_vips: Object.fromEntries(site.vips.map((v) => [v.name, v.address])),
    beelab_storage: {
      pool: site.storage.pool,
      layout: site.storage.layout,
      host: site.storage.host,
      nfs: site.storage.nfs,
    },
    beelab_backup: {
      primary: site.backup.primary ?? '',
      mirror: site.backup.mirror ?? '',
      schedule: site.backup.schedule,
      retention: site.backup.retention,
    },
  };
}

export function renderGroupVarsAll(site: Site): string {
  const header = `${GENERATED_NOTICE}\n\nSite facts for every host; per-host values live in ../inventory.yml.`;
  return toYaml(siteFacts(site), { sortKeys: true, header });
}
