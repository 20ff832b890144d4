#!/usr/bin/env bash
# Beelab: restore this machine's newest file backup (restic). The whole snapshot goes to the staging directory
# (configuration: compare and copy what you need; the roles recreate the rest); data paths go back in place.
# Usage: restore.sh [STAGING_DIR]    BEELAB_RESTIC_SNAPSHOT=<id> restores another snapshot than the newest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${RESTIC_REPOSITORY:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$here/restic.env"
  set +a
fi
: "${RESTIC_PASSWORD_FILE:?RESTIC_PASSWORD_FILE must name the repository password file}"
snapshot="${BEELAB_RESTIC_SNAPSHOT:-latest}"
stage="${1:-/var/lib/beelab/restore}"
in_place=()

mkdir -p "$stage"
chmod 700 "$stage"
restic restore "$snapshot" --tag beelab --target "$stage"
for p in "${in_place[@]}"; do
  restic restore "$snapshot" --tag beelab --target / --include "$p"
done
echo "restored $snapshot: everything in $stage${in_place[*]:+, and in place: ${in_place[*]}}"
