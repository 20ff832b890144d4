// Clonezilla for the primary Proxmox VE node: a device-to-device clone of its system drive to its recovery drive
// (both by id), taken from Clonezilla live unattended after the node is put into maintenance, and the way back.
// The runbook is docs/runbooks/primary-disk-failed.md (the observability layer's, which reads clonePlan).
import type { Host, Site } from '../../site/types.ts';
import { toIni } from '../../tree/serialize/index.ts';

export const CLONEZILLA_DIR = 'backup/clonezilla';
/** Where Clonezilla live finds the stick's files: the stick holds backup/clonezilla/ as beelab/. */
export const LIVE_DIR = '/run/live/medium/beelab';

export interface ClonePlan {
  node: Host;
  /** The system drive, by id (as beelab.yaml names it). */
  source: string;
  /** The recovery drive (role recovery), by id. */
  target: string;
  sourceGb?: number;
  targetGb?: number;
}

/** The primary Proxmox VE node: the one whose disk holds the cluster's first vote and the NFS share. */
export function clonePrimary(site: Site): Host | undefined {
  return site.hosts.find((h) => h.roles.includes('pve_primary'));
}

/** The clone plan: backup.clonezilla on, a primary with a system drive and a recovery drive. */
export function clonePlan(site: Site): ClonePlan | undefined {
  if (!site.backup.clonezilla) return undefined;
  const node = clonePrimary(site);
  const system = node?.drives.find((d) => d.role === 'system');
  const recovery = node?.drives.find((d) => d.role === 'recovery');
  if (!node || !system || !recovery) return undefined;
  return {
    node,
    source: system.id,
    target: recovery.id,
    ...(system.sizeGb ? { sourceGb: system.sizeGb } : {}),
    ...(recovery.sizeGb ? { targetGb: recovery.sizeGb } : {}),
  };
}

export const scriptName = (
  what: 'prepare' | 'clone' | 'restore' | 'scheduled-clone' | 'reboot-to-clone' | 'install-schedule',
  node: string,
) => `${what}-${node}.sh`;

/**
 * The scheduled clone. Clonezilla copies a disk nobody has mounted, so it always runs from Clonezilla live; what
 * its users do for an unattended, scheduled run is "Clonezilla live on the hard drive": the live files in a
 * directory of a partition GRUB reads (here the EFI system partition), a GRUB entry that boots them into RAM
 * (toram) with ocs_live_run and ocs_live_batch, and a one-shot `grub-reboot` into that entry.
 */
export const LIVE_HD_DIR = 'live-beelab';
/** The GRUB entry's id (`grub-reboot beelab-clonezilla`). */
export const GRUB_ENTRY_ID = 'beelab-clonezilla';
/** Where the node keeps the scripts the timer runs; the ESP holds a copy as beelab/ for Clonezilla live. */
export const CLONEZILLA_ETC = '/etc/beelab/clonezilla';
/** The node's EFI system partition (Proxmox VE's installer mounts it there on a GRUB install). */
const ESP = '/boot/efi';
export const GRUB_SCRIPT = '45_beelab_clonezilla';
export const SCHEDULE_UNIT = 'beelab-clonezilla';

/** Shell that resolves a by-id path to its kernel name and refuses what is not a whole, unmounted disk here. */
const RESOLVE = `resolve() {
  local dev
  dev="$(readlink -f "$1")"
  if [[ ! -b "$dev" ]]; then
    echo "$1 is not a block device here (is this the right machine? is the drive in?)" >&2
    exit 2
  fi
  if [[ "$(lsblk -dno TYPE "$dev")" != disk ]]; then
    echo "$1 ($dev) is a partition, not a whole disk" >&2
    exit 2
  fi
  if grep -q "^$dev" /proc/mounts; then
    echo "$dev is mounted: this runs from Clonezilla live, never on the running node" >&2
    exit 2
  fi
  basename "$dev"
}`;

/**
 * Runs inside Clonezilla live: resolves both drives by id, refuses anything unsafe (missing, a partition, mounted,
 * the same disk, a target smaller than the source), then copies disk to disk with ocs-onthefly, unattended.
 */
export function cloneScript(plan: ClonePlan, direction: 'clone' | 'restore'): string {
  const n = plan.node.name;
  const clone = direction === 'clone';
  return `#!/usr/bin/env bash
# Beelab: ${clone ? `clone ${n}'s system drive to its recovery drive` : `restore ${n}'s system drive from its recovery drive`}, device to device.
# Runs in Clonezilla live (boot-parameters.txt), never on the running node. Runbook: docs/runbooks/primary-disk-failed.md
# Usage: ${scriptName(direction, n)}${clone ? '' : ' [NEW_SYSTEM_DRIVE_BY_ID]   (a replaced drive has a new id)'}
set -euo pipefail

system_id="${plan.source}"
recovery_id="${plan.target}"
${
  clone
    ? ''
    : `if [[ $# -gt 0 ]]; then
  system_id="$1"
fi
`
}
${RESOLVE}

src="$(resolve "$${clone ? 'system_id' : 'recovery_id'}")"
dst="$(resolve "$${clone ? 'recovery_id' : 'system_id'}")"
if [[ "$src" == "$dst" ]]; then
  echo "source and target are the same disk ($src)" >&2
  exit 2
fi
src_bytes="$(blockdev --getsize64 "/dev/$src")"
dst_bytes="$(blockdev --getsize64 "/dev/$dst")"
if (( dst_bytes < src_bytes )); then
  echo "/dev/$dst ($dst_bytes bytes) is smaller than /dev/$src ($src_bytes bytes)" >&2
  exit 2
fi

echo "${clone ? 'Cloning' : 'Restoring'} /dev/$src -> /dev/$dst"
# -batch: no question; -g auto: reinstall the boot loader; -e1 auto -e2: the partition table's geometry as
# Clonezilla's own disk-to-disk default; -r: grow file systems to a larger target; -j2: the data between the
# partition table and the first partition; -pa: what to do at the end (reboot, or BEELAB_CLONEZILLA_AFTER).
ocs-onthefly -batch -f "$src" -d "$dst" -g auto -e1 auto -e2 -r -j2 -pa "\${BEELAB_CLONEZILLA_AFTER:-${clone ? 'reboot' : 'poweroff'}}"
`;
}

/**
 * Runs on the node before it boots Clonezilla live: HA guests move away (maintenance mode), the other running
 * guests shut down, and a one-shot unit takes the node out of maintenance at its next boot — from the system
 * drive after the clone, or from the recovery drive the day the system drive dies.
 */
export function prepareScript(plan: ClonePlan): string {
  const n = plan.node.name;
  return `#!/usr/bin/env bash
# Beelab: prepare ${n} for its Clonezilla clone: maintenance mode (HA guests migrate away), the other guests shut
# down, out of maintenance again at the next boot. Run as root on ${n}; then boot Clonezilla live (boot-parameters.txt).
# Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

node="${n}"
if [[ "$(hostname -s)" != "$node" ]]; then
  echo "this is $(hostname -s), not $node" >&2
  exit 2
fi
for id in "${plan.source}" "${plan.target}"; do
  if [[ ! -b "$(readlink -f "$id")" ]]; then
    echo "$id is not here: check beelab.yaml (nodes: $node, drives)" >&2
    exit 2
  fi
done

cat >/etc/systemd/system/beelab-after-clone.service <<'UNIT'
[Unit]
Description=Beelab: leave HA maintenance after the Clonezilla clone
After=pve-ha-crm.service pve-ha-lrm.service
Wants=pve-ha-crm.service

[Service]
Type=oneshot
ExecStart=/usr/sbin/ha-manager crm-command node-maintenance disable ${n}
ExecStartPost=/bin/systemctl disable beelab-after-clone.service

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable beelab-after-clone.service

ha-manager crm-command node-maintenance enable "$node"
# HA guests migrate away; wait until none runs here (up to 15 minutes).
for _ in $(seq 1 90); do
  if ! ha-manager status | grep -E "^service .*\\($node, (started|migrate|relocate)\\)" >/dev/null; then
    break
  fi
  sleep 10
done
# The rest (not under HA) shut down cleanly; onboot starts them again.
for vmid in $(qm list | awk '$3 == "running" { print $1 }'); do
  qm shutdown "$vmid" --timeout 180 || qm stop "$vmid"
done
for ctid in $(pct list | awk '$2 == "running" { print $1 }'); do
  pct shutdown "$ctid" --timeout 180 || pct stop "$ctid"
done
echo "$node is ready: boot it from the Clonezilla live stick (one-time boot menu) with boot-parameters.txt"
`;
}

/** The kernel parameters for an unattended run from a Clonezilla live stick holding backup/clonezilla/ as beelab/. */
export function bootParameters(plan: ClonePlan): string {
  const n = plan.node.name;
  const line = (what: 'clone' | 'restore') =>
    `ocs_live_run="sudo bash ${LIVE_DIR}/${scriptName(what, n)}" ocs_live_batch="yes" locales="en_US.UTF-8" keyboard-layouts="NONE"`;
  return `# Clonezilla live: at its boot menu press e (UEFI) or Tab (BIOS) on "Clonezilla live (Default settings)" and
# replace ocs_live_run=... ocs_live_batch=... locales=... keyboard-layouts=... with one of these lines.
# The stick holds backup/clonezilla/ of the repository as beelab/ at its root. Runbook: docs/runbooks/primary-disk-failed.md
#
# Clone ${n}'s system drive to its recovery drive (then reboots into Proxmox VE):
${line('clone')}
#
# Restore ${n}'s system drive from the recovery drive (then powers off):
${line('restore')}
`;
}

/** The boot parameters of the scheduled run: Clonezilla live from the ESP into RAM, the clone, unattended. */
export function liveHdParameters(plan: ClonePlan): string {
  return [
    'boot=live union=overlay username=user config components quiet noswap edd=on nomodeset noprompt noeject',
    'locales=en_US.UTF-8 keyboard-layouts=NONE',
    `ocs_live_run="sudo bash ${LIVE_DIR}/${scriptName('scheduled-clone', plan.node.name)}"`,
    'ocs_live_extra_param="" ocs_live_batch="yes"',
    `live-media-path=/${LIVE_HD_DIR} toram=${LIVE_HD_DIR},beelab`,
  ].join(' ');
}

/** /etc/grub.d/45_beelab_clonezilla: update-grub writes what it prints into grub.cfg. */
export function grubScript(plan: ClonePlan): string {
  return `#!/bin/sh
# Beelab: the scheduled Clonezilla clone of ${plan.node.name}: ${scriptName('reboot-to-clone', plan.node.name)} boots this entry once
# (grub-reboot ${GRUB_ENTRY_ID}). Installed by ${scriptName('install-schedule', plan.node.name)}.
cat <<'ENTRY'
menuentry "Beelab: Clonezilla live, clone ${plan.node.name} system drive to its recovery drive" --id ${GRUB_ENTRY_ID} {
  search --no-floppy --set=root --file /${LIVE_HD_DIR}/vmlinuz
  linux /${LIVE_HD_DIR}/vmlinuz ${liveHdParameters(plan)}
  initrd /${LIVE_HD_DIR}/initrd.img
}
ENTRY
`;
}

/**
 * What the GRUB entry runs in Clonezilla live: the clone, then back into Proxmox VE whatever happened (a clone
 * that refused leaves the node up, out of maintenance, instead of waiting at a prompt nobody sees).
 */
export function scheduledCloneScript(plan: ClonePlan): string {
  const n = plan.node.name;
  return `#!/usr/bin/env bash
# Beelab: the scheduled clone of ${n}, run by Clonezilla live from its GRUB entry (ocs_live_run). Reboots into
# Proxmox VE afterwards, also when the clone refused to run (its reason is in the console above).
set -uo pipefail

here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
BEELAB_CLONEZILLA_AFTER=true bash "$here/${scriptName('clone', n)}"
status=$?
echo "clone of ${n} ended with status $status; rebooting into Proxmox VE"
sleep 10
reboot
`;
}

/**
 * What the timer runs on the node: checks that the GRUB entry, the live files and GRUB_DEFAULT=saved are in place
 * (else it fails, and the clone is taken from the stick by hand), puts the node into maintenance (prepare), then
 * boots the entry once.
 */
export function rebootToCloneScript(plan: ClonePlan): string {
  const n = plan.node.name;
  return `#!/usr/bin/env bash
# Beelab: the scheduled Clonezilla clone of ${n} (beelab-clonezilla.timer): maintenance first, then one boot into
# Clonezilla live from the EFI system partition; the clone reboots into Proxmox VE. Set up once with
# ${scriptName('install-schedule', n)}. Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
problems=()
if ! command -v grub-reboot >/dev/null 2>&1; then
  problems+=("grub-reboot is missing: ${n} boots with systemd-boot (proxmox-boot-tool), not GRUB")
elif ! grep -q -- "--id ${GRUB_ENTRY_ID}" /boot/grub/grub.cfg; then
  problems+=("/boot/grub/grub.cfg has no entry ${GRUB_ENTRY_ID}: run ${scriptName('install-schedule', n)}")
elif ! grep -q 'next_entry' /boot/grub/grub.cfg; then
  problems+=("grub.cfg ignores grub-reboot: GRUB_DEFAULT=saved is not set")
fi
for f in "${ESP}/${LIVE_HD_DIR}/vmlinuz" "${ESP}/${LIVE_HD_DIR}/filesystem.squashfs" "${ESP}/beelab/${scriptName('scheduled-clone', n)}"; do
  if [[ ! -f "$f" ]]; then
    problems+=("$f is missing: run ${scriptName('install-schedule', n)}")
  fi
done
if [[ \${#problems[@]} -gt 0 ]]; then
  printf 'no scheduled clone of ${n}: %s\n' "\${problems[@]}" >&2
  echo "take the clone from the Clonezilla live stick instead (docs/runbooks/primary-disk-failed.md)" >&2
  exit 1
fi

bash "$here/${scriptName('prepare', n)}"
grub-reboot ${GRUB_ENTRY_ID}
systemctl reboot
`;
}

/**
 * Run once on the node with the Clonezilla live zip (downloaded by the operator, amd64): the live files on the ESP,
 * the scripts beside them and in ${CLONEZILLA_ETC}, the GRUB entry with GRUB_DEFAULT=saved, the timer.
 */
export function installScheduleScript(plan: ClonePlan): string {
  const n = plan.node.name;
  return `#!/usr/bin/env bash
# Beelab: set up the scheduled clone of ${n} once. Usage: ${scriptName('install-schedule', n)} clonezilla-live-<version>-amd64.zip
# Run as root on ${n} from backup/clonezilla/ of the repository. Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

zip="\${1:?usage: $0 clonezilla-live-<version>-amd64.zip}"
here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
if [[ "$(hostname -s)" != "${n}" ]]; then
  echo "this is $(hostname -s), not ${n}" >&2
  exit 2
fi
if ! mountpoint -q ${ESP}; then
  echo "${ESP} is not mounted: ${n} has no EFI system partition there (a BIOS or systemd-boot install); use the stick" >&2
  exit 2
fi
command -v update-grub >/dev/null || { echo "update-grub is missing: ${n} does not boot with GRUB; use the stick" >&2; exit 2; }
need_kb="$(unzip -l "$zip" 'live/*' | awk 'END { print int($1 / 1024) + 10240 }')"
free_kb="$(df -Pk ${ESP} | awk 'NR == 2 { print $4 }')"
if (( free_kb < need_kb )); then
  echo "${ESP} has $free_kb KiB free; Clonezilla live needs $need_kb KiB" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" 'live/*' -d "$tmp"
rm -rf "${ESP}/${LIVE_HD_DIR}" "${ESP}/beelab"
cp -r "$tmp/live" "${ESP}/${LIVE_HD_DIR}"
mkdir -p "${ESP}/beelab" ${CLONEZILLA_ETC}
cp "$here"/*-${n}.sh "${ESP}/beelab/"
install -m 0755 "$here"/*-${n}.sh ${CLONEZILLA_ETC}/
install -m 0755 "$here/${GRUB_SCRIPT}" /etc/grub.d/${GRUB_SCRIPT}
mkdir -p /etc/default/grub.d
echo 'GRUB_DEFAULT=saved' >/etc/default/grub.d/beelab-clonezilla.cfg
update-grub
install -m 0644 "$here/${SCHEDULE_UNIT}.service" "$here/${SCHEDULE_UNIT}.timer" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now ${SCHEDULE_UNIT}.timer
systemctl list-timers ${SCHEDULE_UNIT}.timer
`;
}

function scheduleUnits(site: Site, plan: ClonePlan): Record<string, string> {
  const n = plan.node.name;
  return {
    [`${SCHEDULE_UNIT}.service`]: toIni([
      [
        'Unit',
        {
          Description: `Beelab: maintenance, then one boot into Clonezilla live to clone ${n}'s system drive`,
          Documentation: 'file:///etc/beelab/clonezilla/',
        },
      ],
      [
        'Service',
        { Type: 'oneshot', ExecStart: `/bin/bash ${CLONEZILLA_ETC}/${scriptName('reboot-to-clone', n)}` },
      ],
    ]),
    [`${SCHEDULE_UNIT}.timer`]: toIni([
      ['Unit', { Description: `Beelab: the Clonezilla clone of ${n} (beelab.yaml backup.cloneSchedule)` }],
      // Not Persistent: a node that was off at the time must not reboot itself as soon as it is back.
      ['Timer', { OnCalendar: site.backup.cloneSchedule, Persistent: 'false', AccuracySec: '1min' }],
      ['Install', { WantedBy: 'timers.target' }],
    ]),
  };
}

export function clonezillaFiles(site: Site): Record<string, string> {
  const plan = clonePlan(site);
  if (!plan) return {};
  const n = plan.node.name;
  return {
    [scriptName('prepare', n)]: prepareScript(plan),
    [scriptName('clone', n)]: cloneScript(plan, 'clone'),
    [scriptName('restore', n)]: cloneScript(plan, 'restore'),
    'boot-parameters.txt': bootParameters(plan),
    [scriptName('scheduled-clone', n)]: scheduledCloneScript(plan),
    [scriptName('reboot-to-clone', n)]: rebootToCloneScript(plan),
    [scriptName('install-schedule', n)]: installScheduleScript(plan),
    [GRUB_SCRIPT]: grubScript(plan),
    ...scheduleUnits(site, plan),
  };
}
