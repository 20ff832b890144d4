// Clonezilla for the primary Proxmox VE node: a device-to-device clone of its system drive to its recovery drive
// (both by id), taken from Clonezilla live unattended after the node is put into maintenance, and the way back.
// The runbook is docs/runbooks/primary-disk-failed.md (the observability layer's, which reads clonePlan).
import type { Host, Site } from '../../site/types.ts';

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

export const scriptName = (what: 'prepare' | 'clone' | 'restore', node: string) => `${what}-${node}.sh`;

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

export function clonezillaFiles(site: Site): Record<string, string> {
  const plan = clonePlan(site);
  if (!plan) return {};
  return {
    [scriptName('prepare', plan.node.name)]: prepareScript(plan),
    [scriptName('clone', plan.node.name)]: cloneScript(plan, 'clone'),
    [scriptName('restore', plan.node.name)]: cloneScript(plan, 'restore'),
    'boot-parameters.txt': bootParameters(plan),
  };
}
