#!/usr/bin/env bash
# Beelab: the scheduled clone of pve1, run by Clonezilla live from its GRUB entry (ocs_live_run). Reboots into
# Proxmox VE afterwards, also when the clone refused to run (its reason is in the console above).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BEELAB_CLONEZILLA_AFTER=true bash "$here/clone-pve1.sh"
status=$?
echo "clone of pve1 ended with status $status; rebooting into Proxmox VE"
sleep 10
reboot
