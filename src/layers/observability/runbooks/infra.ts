// Runbooks of the machines and the building: a host, a Proxmox node, the primary's system disk, a pool disk,
// the firewall, mains power, the whole site.

import type { Site } from '../../../site/types.ts';
import { CLONEZILLA_DIR, clonePlan, LIVE_DIR, scriptName } from '../../backup/clonezilla.ts';
import { code, table } from '../../markdown.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { host, login, named, type Runbook, sh, steps, watcherOf, withRole } from './runbook.ts';

const DRILL = 'sudo beelab lab drill host-dies apps';

export function hostDown(site: Site): Runbook {
  const rows = site.hosts
    .filter((h) => !h.roles.includes('smart_plug') && !h.roles.includes('device'))
    .map((h) => [
      code(h.name),
      code(h.address),
      h.vm ? `VM ${h.vm.vmid} on ${h.vm.node}` : h.kind,
      watcherOf(site, h.name) ?? '',
      code(`beelab rebuild ${h.name}`),
    ]);
  return {
    slug: 'host-down',
    impact:
      'The services of that host are down; a VM host takes only itself, a Proxmox node its VMs (see pve-node-down).',
    signs: [
      '`beelab status` shows the host red; a Pi watchdog that watches it alerts `failed` and starts its ladder.',
    ],
    sections: [
      steps(
        'Is it the host or the path to it? From the management VLAN: `ping <address>`, `ssh <login>`; `beelab status` shows whether its neighbours answer (if none on its VLAN do, read firewall-down).',
        'A VM: on its node, `qm status <vmid>`; `qm start <vmid>` when stopped, `qm reset <vmid>` when hung; its console in the Proxmox UI shows why.',
        'A machine a Pi watches: the Pi power-cycles it by itself (docs/watchdog.md); `maintenance` on the Pi stops it while you work on the machine.',
        'Not back, or its disk is gone: rebuild it from the repository (below); data comes back from the backups in the restore phase.',
      ),
      table(['host', 'address', 'what', 'watched by', 'rebuild'], rows),
      sh('beelab rebuild <host> --dry-run   # what it would run', 'beelab rebuild <host>'),
    ],
    automated: 'beelab rebuild HOST',
    drill: DRILL,
    alertDrilled: 'HostDown',
  };
}

export function pveNodeDown(site: Site): Runbook {
  const nodes = withRole(site, 'pve');
  if (nodes.length === 0)
    return {
      slug: 'pve-node-down',
      notHere: 'it has no Proxmox VE node.',
      impact: '',
      signs: [],
      sections: [],
    };
  const vmsOn = (n: string) =>
    site.hosts
      .filter((h) => h.vm?.node === n)
      .map((h) => `${h.name} (${h.vm!.vmid})`)
      .join(', ');
  const other = nodes[1] ?? nodes[0]!;
  const ha = nodes.length >= 3;
  return {
    slug: 'pve-node-down',
    impact: ha
      ? `Its VMs stop; the HA group ${code(site.name)} restarts them on the other nodes within minutes (3 nodes keep quorum with one down).`
      : nodes.length === 2
        ? 'Its VMs stop; the cluster keeps quorum through the QDevice on the first Pi; start the VMs elsewhere by hand.'
        : 'Every VM of the site stops: this is the only node.',
    signs: [
      'Its VMs turn red in `beelab status` at once.',
      ...(watcherOf(site, nodes[0]!.name)
        ? ['The Pi watchdog that watches it power-cycles it after its boot grace and alerts.']
        : []),
    ],
    sections: [
      table(
        ['node', 'address', 'VMs', 'watched by'],
        nodes.map((n) => [code(n.name), code(n.address), vmsOn(n.name), watcherOf(site, n.name) ?? 'nobody']),
      ),
      steps(
        `From a surviving node (e.g. ${named(other)}): quorum and HA state.`,
        "Wait for the watchdog's power cycle (docs/watchdog.md) or press the power button; a node that boots rejoins by itself.",
        'Dead hardware: take it out of the cluster from a surviving node, install Proxmox VE on the new machine on the same system drive slot and address, and rebuild it; its pool is recreated and its VMs come back from the backups.',
      ),
      sh(
        `ssh ${login(other)} pvecm status`,
        `ssh ${login(other)} ha-manager status`,
        `ssh ${login(other)} pvecm delnode <node>     # only when the node is gone for good`,
        'beelab rebuild <node>',
      ),
    ],
    automated: `beelab rebuild ${nodes.at(-1)!.name}`,
  };
}

export function primaryDiskFailed(site: Site): Runbook {
  const primary = withRole(site, 'pve_primary')[0] ?? withRole(site, 'pve')[0];
  const disk = primary?.drives.find((d) => d.role === 'system');
  if (!primary || !disk)
    return {
      slug: 'primary-disk-failed',
      notHere: 'it has no Proxmox VE primary with a system drive.',
      impact: '',
      signs: [],
      sections: [],
    };
  const plan = clonePlan(site);
  const size = (gb?: number) => (gb ? ` (${gb} GB)` : '');
  const pool = primary.drives.filter((d) => d.role === 'pool');
  const n = primary.name;
  const drives = [
    `System drive: ${code(disk.id)}${size(disk.sizeGb)}.`,
    plan
      ? `Recovery drive (its Clonezilla clone): ${code(plan.target)}${size(plan.targetGb)}.`
      : site.backup.clonezilla
        ? `No recovery drive in beelab.yaml: add a second drive of at least the system drive's size to ${n} with \`role: recovery\`, and Beelab renders the clone and restore scripts (${code(CLONEZILLA_DIR)}).`
        : 'No Clonezilla clone is kept (backup.clonezilla is false).',
    `Pool drives: ${pool.map((d) => code(d.id)).join(', ') || 'none'} (leave them in).`,
  ].join(' ');
  const live = (what: 'clone' | 'restore') => `${LIVE_DIR}/${scriptName(what, n)}`;
  const sections = plan
    ? [
        drives,
        '### Come back from the clone (about 10 minutes)',
        steps(
          `In the firmware's one-time boot menu choose the recovery drive: ${n} boots as it was at the last clone, leaves HA maintenance by itself (the unit \`beelab-after-clone\` the clone carries) and rejoins the cluster. VM disks are on the pool, VM configurations in the cluster file system: nothing newer is lost but changes to ${n}'s own configuration since the clone, which the next step puts back.`,
          `Converge the node: \`beelab rebuild ${n}\` (or \`beelab apply --only ${n}\`).`,
          "Replace the dead system drive with one at least as large, then copy the recovery drive back onto it: boot Clonezilla live from the stick with the restore line of `boot-parameters.txt`, or from its command line run the restore script with the new drive's id. It refuses a drive that is missing, mounted, the same, or too small; it powers off when done.",
          `Put the new drive's id into beelab.yaml (nodes: ${n}, drives, role system), render, and boot from it.`,
        ),
        sh(
          `sudo bash ${live('restore')} /dev/disk/by-id/<new drive>   # in Clonezilla live`,
          `ssh ${login(primary)} 'pvecm status && zpool status ${site.storage.pool}'`,
          `beelab rebuild ${n}`,
        ),
        '### Take the clone (monthly, and before every Proxmox VE upgrade)',
        steps(
          `Copy ${code(`${CLONEZILLA_DIR}/`)} of this repository to the Clonezilla live stick as \`beelab/\`.`,
          `On ${n} as root: \`${scriptName('prepare', n)}\` puts it into HA maintenance (HA guests migrate away), shuts the other guests down and arms the unit that leaves maintenance at the next boot.`,
          `Reboot ${n} into the stick from the one-time boot menu (not the boot order: the clone reboots into Proxmox VE at the end) with the clone line of \`boot-parameters.txt\`; it runs unattended.`,
          'Both drives carry the same LVM or ZFS identifiers after a clone: keep the system drive first in the boot order, and expect LVM to warn about duplicate physical volumes while both are in.',
        ),
        sh(
          `scp ${CLONEZILLA_DIR}/${scriptName('prepare', n)} ${login(primary)}: && ssh ${login(primary)} bash ${scriptName('prepare', n)}`,
          `# then in Clonezilla live (what the boot parameters run): sudo bash ${live('clone')}`,
        ),
        '### Take the clone on a schedule (GRUB installs)',
        steps(
          `Once, on ${n} as root, with the Clonezilla live zip (amd64) you downloaded: \`${scriptName('install-schedule', n)} clonezilla-live-<version>-amd64.zip\` puts Clonezilla live on the EFI system partition (as the Clonezilla "live on hard drive" setup), the scripts beside it, a GRUB entry that runs the clone unattended, GRUB_DEFAULT=saved, and enables \`beelab-clonezilla.timer\` (\`backup.cloneSchedule\`: ${code(site.backup.cloneSchedule)}).`,
          `At that time the timer puts ${n} into maintenance (as above), boots the GRUB entry once (\`grub-reboot\`), the clone runs in Clonezilla live and reboots into Proxmox VE, which leaves maintenance. A node that boots with systemd-boot (ZFS on UEFI) or lacks the entry: the timer fails, says why (\`journalctl -u beelab-clonezilla\`), and changes nothing; take the clone from the stick.`,
        ),
        sh(
          `scp -r ${CLONEZILLA_DIR} clonezilla-live-*-amd64.zip ${login(primary)}:`,
          `ssh ${login(primary)} bash clonezilla/${scriptName('install-schedule', n)} clonezilla-live-*-amd64.zip`,
        ),
      ]
    : [
        drives,
        steps(
          'Replace the system drive with one at least as large.',
          `Install Proxmox VE on it from the installer ISO (the rebuild's manual step), then rebuild the node: its pool is imported, its configuration converged.`,
          'Boot it; check that it rejoined the cluster and imported its pool.',
        ),
        sh(
          `ssh ${login(primary)} 'pvecm status && zpool status ${site.storage.pool}'`,
          `beelab rebuild ${n}`,
        ),
      ];
  return {
    slug: 'primary-disk-failed',
    impact: `${named(primary)} does not boot: its VMs, ${site.storage.nfs ? 'the NFS share, ' : ''}${site.ups?.host === primary.name ? 'the UPS server, ' : ''}and its cluster vote are gone. The pool drives are intact.`,
    signs: [
      'The node stops answering (host-down, pve-node-down); its console shows no boot device or I/O errors.',
    ],
    sections,
    automated: `beelab rebuild ${n}`,
  };
}

export function poolDiskFailed(site: Site): Runbook {
  const nodes = site.hosts.filter((h) => h.drives.some((d) => d.role === 'pool' || d.role === 'backup'));
  if (nodes.length === 0)
    return {
      slug: 'pool-disk-failed',
      notHere: 'no machine has pool or backup drives.',
      impact: '',
      signs: [],
      sections: [],
    };
  const rows = nodes.flatMap((n) =>
    n.drives
      .filter((d) => d.role === 'pool' || d.role === 'backup')
      .map((d) => [
        code(n.name),
        d.role === 'pool' ? site.storage.pool : 'backup datastore',
        code(d.id),
        d.sizeGb ? `${d.sizeGb} GB` : '',
      ]),
  );
  const first = nodes[0]!;
  const old = first.drives.find((d) => d.role === 'pool' || d.role === 'backup')!;
  const pool = old.role === 'pool' ? site.storage.pool : '<datastore pool>';
  return {
    slug: 'pool-disk-failed',
    impact: `A ${site.storage.layout} pool keeps serving with one disk gone${site.storage.layout === 'single' || site.storage.layout === 'stripe' ? ' — except this one: a single or striped pool has no redundancy, restore from the backups' : ''}; a second failure in the same vdev loses it. Replace the disk now.`,
    signs: ['`zpool status -x` reports DEGRADED or FAULTED; SMART shows reallocated or pending sectors.'],
    sections: [
      table(['machine', 'pool', 'drive (by-id)', 'size'], rows),
      steps(
        'Find the failed disk by its by-id name (never by sdX/nvmeN, which move between boots).',
        'Take it offline, swap the disk (match the serial in the by-id name with the label on the drive), and replace it in the pool by the new by-id name.',
        'Watch the resilver finish; then clear the errors.',
      ),
      sh(
        `# here ${first.name}'s first ${old.role} disk; take the failed one from zpool status`,
        `ssh ${login(first)} zpool status -x ${pool}`,
        `ssh ${login(first)} smartctl -a ${old.id}`,
        `ssh ${login(first)} zpool offline ${pool} ${old.id}`,
        `ssh ${login(first)} 'ls -l /dev/disk/by-id/ | grep -v part'   # the new disk's name`,
        `ssh ${login(first)} zpool replace ${pool} ${old.id} /dev/disk/by-id/<new disk>`,
        `ssh ${login(first)} 'zpool status ${pool}; zpool clear ${pool}'`,
      ),
      `Then write the new by-id name into ${code('beelab.yaml')} (the node's ${code('drives')}) and re-render, so a rebuild uses it.`,
    ],
  };
}

const FIREWALL_FILES: Record<Site['firewall']['platform'], string> = {
  opnsense: 'network/opnsense/config.xml',
  pfsense: 'network/pfsense/config.xml',
  vyos: 'network/vyos/configure.vbash',
  linux: 'network/linux/',
};

export function firewallDown(site: Site): Runbook {
  const fw = host(site, site.firewall.host);
  const p = site.firewall.platform;
  const mgmt = site.vlans.find((v) => v.purpose === 'management') ?? site.vlans[0];
  const restore: Record<typeof p, string[]> = {
    opnsense: [
      'Install OPNsense from its installer image (USB), assign the WAN and LAN ports as before, and open the web UI from a laptop on the LAN port.',
      `System › Configuration › Backups › Restore: upload ${code(FIREWALL_FILES.opnsense)} from this repository; it reboots with every VLAN, rule and DHCP range.`,
      'System › Firmware › Plugins: install `os-node_exporter` again, then Services › Node Exporter: enable it on the management address, port 9100 (Prometheus scrapes it; the rendered configuration does not carry plugins).',
    ],
    pfsense: [
      'Install pfSense from its installer image (USB), assign the WAN and LAN ports as before, and open the web UI from a laptop on the LAN port.',
      `Diagnostics › Backup & Restore: restore ${code(FIREWALL_FILES.pfsense)} from this repository; it reboots with every VLAN, rule and DHCP range.`,
      'System › Package Manager: install `node_exporter` again; it reads its settings from the restored configuration (the management interface, port 9100) and starts: Prometheus scrapes it.',
    ],
    vyos: [
      'Install VyOS from its image (`install image`), log in on the console.',
      `Copy ${code(FIREWALL_FILES.vyos)} to it and run it (\`vbash configure.vbash\`): it sets every interface, rule and DHCP range and commits.`,
    ],
    linux: [
      'Install Debian on the router, give its LAN port the management address, and enable SSH.',
      `Rebuild it: \`beelab rebuild ${site.firewall.host}\` installs ${code(FIREWALL_FILES.linux)} (nftables, dnsmasq, systemd-networkd).`,
    ],
  };
  return {
    slug: 'firewall-down',
    impact: `Nothing routes between VLANs and nothing reaches the internet; DHCP and DNS stop. Hosts on one VLAN still reach each other.${fw ? ` ${named(fw)} is the gateway of every VLAN.` : ''}`,
    signs: [
      'Every VLAN but yours goes red in `beelab status`; names stop resolving.',
      'The Pi watchdogs stop acting (their own-link check needs the gateway), so nothing is power-cycled meanwhile.',
    ],
    sections: [
      steps(
        `Console or a laptop on its management port${mgmt ? ` (${code(mgmt.cidr)}, gateway ${code(mgmt.gateway)})` : ''}: does it boot, does it answer?`,
        ...restore[p],
        `Check: every VLAN's gateway answers, DNS resolves, and the policy holds (\`docs/network-policy.md\`).`,
      ),
      sh('beelab status', ...(p === 'linux' ? [`beelab rebuild ${site.firewall.host}`] : [])),
    ],
    automated: `beelab rebuild ${site.firewall.host}`,
  };
}

export function powerFailure(site: Site): Runbook {
  const ups = site.ups;
  const server = host(site, ups?.host);
  const clients = withRole(site, 'nut_client');
  return {
    slug: 'power-failure',
    impact: ups
      ? `The ${ups.model ?? 'UPS'} carries the rack; Network UPS Tools on ${server ? named(server) : ups.host} shuts the machines down in order before the battery runs out.`
      : 'Without a UPS every machine loses power at once: ZFS stays consistent, but anything in flight is lost.',
    signs: ups
      ? ['The UPS beeps; `upsc` reports `OB` (on battery), later `LB` (low battery).']
      : ['Everything goes dark.'],
    sections: ups
      ? [
          table(
            ['machine', 'address', 'shuts down'],
            [
              ...clients.map((c) => [
                code(c.name),
                code(c.address),
                c.roles.includes('pve_compute')
                  ? 'after 2 min on battery'
                  : c.roles.includes('pbs')
                    ? 'after 3 min on battery'
                    : 'at low battery',
              ]),
              ...(server
                ? [
                    [
                      code(server.name),
                      code(server.address),
                      'last, at low battery (it tells the UPS to cut power)',
                    ],
                  ]
                : []),
            ],
          ),
          steps(
            'Nothing to do while it runs: watch it, and stop long jobs (backups) if the outage looks long.',
            'When power returns the UPS powers the machines back on (set the BIOS to power on after AC loss): the firewall first, then the Proxmox nodes, then the rest.',
            'Check the site: every host green, the cluster quorate, the pool ONLINE.',
          ),
          sh(
            ...(server
              ? [`ssh ${login(server)} upsc ups@localhost ups.status battery.charge battery.runtime`]
              : []),
            'beelab status',
            `beelab apply --only ${PHYSICAL_STEPS.ups}   # if a machine lost its NUT settings`,
          ),
        ]
      : [
          steps(
            'When power returns, power on the firewall first, then the Proxmox nodes, then the rest.',
            'Check every pool (`zpool status -x`) and the cluster (`pvecm status`), then `beelab status`.',
            'Consider a UPS: `ups.enabled: true` in beelab.yaml gives the staged shutdown.',
          ),
        ],
  };
}

export function siteLost(site: Site): Runbook {
  return {
    slug: 'site-lost',
    impact:
      'Everything: fire, theft, flood. What survives is this repository (pushed elsewhere), the age key, and the backups off the site.',
    signs: ['You know.'],
    sections: [
      steps(
        'Get the repository (`git clone` from its remote) and the age identity from the recovery kit (`beelab secrets recovery-kit` printed it; keep it off-site).',
        'Get hardware: docs/rack.md lists every machine, its model and its drives; new drives get new by-id names — write them into beelab.yaml (`nodes[].drives`) and re-render.',
        'Rebuild in order: the firewall, the hypervisors, storage, VMs, clusters, apps; the restore phase pulls the data back from the backup server and its mirror.',
        `Restore the backups from where they survived: ${site.backup.mirror ? `the mirror ${code(site.backup.mirror)} if it stood elsewhere, else ` : ''}the off-site copy; the PBS encryption key is in the secrets (\`beelab secrets show pbs-encryption-key\`).`,
        'Then `beelab status` and `beelab check`: every host answers, every validator passes.',
      ),
      sh(
        'git clone <remote> my-lab && cd my-lab',
        'beelab render',
        'beelab rebuild --all --dry-run',
        'beelab rebuild --all',
      ),
    ],
    automated: 'beelab rebuild --all',
  };
}
