#!/usr/bin/env bash
# Beelab: prepare pve1 for its Clonezilla clone: maintenance mode (HA guests migrate away), the other guests shut
# down, out of maintenance again at the next boot. Run as root on pve1; then boot Clonezilla live (boot-parameters.txt).
# Runbook: docs/runbooks/primary-disk-failed.md
set -euo pipefail

node="pve1"
if [[ "$(hostname -s)" != "$node" ]]; then
  echo "this is $(hostname -s), not $node" >&2
  exit 2
fi
for id in "/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_1TB_S7DNNJ0W100001A" "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_1TB_S6PTNM0T400001D"; do
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
ExecStart=/usr/sbin/ha-manager crm-command node-maintenance disable pve1
ExecStartPost=/bin/systemctl disable beelab-after-clone.service

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable beelab-after-clone.service

ha-manager crm-command node-maintenance enable "$node"
# HA guests migrate away; wait until none runs here (up to 15 minutes).
for _ in $(seq 1 90); do
  if ! ha-manager status | grep -E "^service .*\($node, (started|migrate|relocate)\)" >/dev/null; then
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
