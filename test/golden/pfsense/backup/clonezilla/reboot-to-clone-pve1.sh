#!/usr/bin/env bash
# Beelab: the scheduled Clonezilla clone of pve1 (beelab-clonezilla.timer): maintenance first, then one boot into
# Clonezilla live from the EFI system partition; the clone reboots into Proxmox VE. Set up once with
# install-schedule-pve1.sh. Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
problems=()
if ! command -v grub-reboot >/dev/null 2>&1; then
  problems+=("grub-reboot is missing: pve1 boots with systemd-boot (proxmox-boot-tool), not GRUB")
elif ! grep -q -- "--id beelab-clonezilla" /boot/grub/grub.cfg; then
  problems+=("/boot/grub/grub.cfg has no entry beelab-clonezilla: run install-schedule-pve1.sh")
elif ! grep -q 'next_entry' /boot/grub/grub.cfg; then
  problems+=("grub.cfg ignores grub-reboot: GRUB_DEFAULT=saved is not set")
fi
for f in "/boot/efi/live-beelab/vmlinuz" "/boot/efi/live-beelab/filesystem.squashfs" "/boot/efi/beelab/scheduled-clone-pve1.sh"; do
  if [[ ! -f "$f" ]]; then
    problems+=("$f is missing: run install-schedule-pve1.sh")
  fi
done
if [[ ${#problems[@]} -gt 0 ]]; then
  printf 'no scheduled clone of pve1: %s
' "${problems[@]}" >&2
  echo "take the clone from the Clonezilla live stick instead (docs/runbooks/primary-disk-failed.md)" >&2
  exit 1
fi

bash "$here/prepare-pve1.sh"
grub-reboot beelab-clonezilla
systemctl reboot
