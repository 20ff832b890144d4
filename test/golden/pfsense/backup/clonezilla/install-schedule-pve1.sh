#!/usr/bin/env bash
# Beelab: set up the scheduled clone of pve1 once. Usage: install-schedule-pve1.sh clonezilla-live-<version>-amd64.zip
# Run as root on pve1 from backup/clonezilla/ of the repository. Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

zip="${1:?usage: $0 clonezilla-live-<version>-amd64.zip}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "$(hostname -s)" != "pve1" ]]; then
  echo "this is $(hostname -s), not pve1" >&2
  exit 2
fi
if ! mountpoint -q /boot/efi; then
  echo "/boot/efi is not mounted: pve1 has no EFI system partition there (a BIOS or systemd-boot install); use the stick" >&2
  exit 2
fi
command -v update-grub >/dev/null || { echo "update-grub is missing: pve1 does not boot with GRUB; use the stick" >&2; exit 2; }
need_kb="$(unzip -l "$zip" 'live/*' | awk 'END { print int($1 / 1024) + 10240 }')"
free_kb="$(df -Pk /boot/efi | awk 'NR == 2 { print $4 }')"
if (( free_kb < need_kb )); then
  echo "/boot/efi has $free_kb KiB free; Clonezilla live needs $need_kb KiB" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" 'live/*' -d "$tmp"
rm -rf "/boot/efi/live-beelab" "/boot/efi/beelab"
cp -r "$tmp/live" "/boot/efi/live-beelab"
mkdir -p "/boot/efi/beelab" /etc/beelab/clonezilla
cp "$here"/*-pve1.sh "/boot/efi/beelab/"
install -m 0755 "$here"/*-pve1.sh /etc/beelab/clonezilla/
install -m 0755 "$here/45_beelab_clonezilla" /etc/grub.d/45_beelab_clonezilla
mkdir -p /etc/default/grub.d
echo 'GRUB_DEFAULT=saved' >/etc/default/grub.d/beelab-clonezilla.cfg
update-grub
install -m 0644 "$here/beelab-clonezilla.service" "$here/beelab-clonezilla.timer" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now beelab-clonezilla.timer
systemctl list-timers beelab-clonezilla.timer
