#!/usr/bin/env bash
# Beelab: clone pve1's system drive to its recovery drive, device to device.
# Runs in Clonezilla live (boot-parameters.txt), never on the running node. Runbook: docs/runbooks/primary-disk-failed.md
# Usage: clone-pve1.sh
set -euo pipefail

system_id="/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_1TB_S7DNNJ0W100001A"
recovery_id="/dev/disk/by-id/ata-Samsung_SSD_870_EVO_1TB_S6PTNM0T400001D"

resolve() {
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
}

src="$(resolve "$system_id")"
dst="$(resolve "$recovery_id")"
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

echo "Cloning /dev/$src -> /dev/$dst"
# -batch: no question; -g auto: reinstall the boot loader; -e1 auto -e2: the partition table's geometry as
# Clonezilla's own disk-to-disk default; -r: grow file systems to a larger target; -j2: the data between the
# partition table and the first partition; -pa: what to do at the end (reboot, or BEELAB_CLONEZILLA_AFTER).
ocs-onthefly -batch -f "$src" -d "$dst" -g auto -e1 auto -e2 -r -j2 -pa "${BEELAB_CLONEZILLA_AFTER:-reboot}"
