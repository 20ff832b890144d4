#!/usr/bin/env bash
# Beelab: file-level backup with restic, then retention (beelab.yaml backup.retention), then a check.
# Settings: restic.env beside this script (RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE), includes.txt, excludes.txt.
# Restore: docs/backup.md#restore-files-restic
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${RESTIC_REPOSITORY:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$here/restic.env"
  set +a
fi
: "${RESTIC_PASSWORD_FILE:?RESTIC_PASSWORD_FILE must name the repository password file}"
includes="${BEELAB_RESTIC_INCLUDES:-$here/includes.txt}"

# What to run; a drill runs the steps one at a time (BEELAB_RESTIC_STEPS="backup", then "forget").
steps=" ${BEELAB_RESTIC_STEPS:-backup forget check} "

if [[ "$steps" == *" backup "* ]]; then
  # The first run creates the repository; later runs find it.
  if ! restic cat config >/dev/null 2>&1; then
    restic init
  fi
  # Only the paths that exist on this machine (a Mac without Homebrew has no /opt/homebrew/etc).
  paths=()
  while IFS= read -r p; do
    [[ -z "$p" || "$p" == "#"* ]] && continue
    [[ -e "$p" ]] && paths+=("$p")
  done <"$includes"
  if [[ ${#paths[@]} -eq 0 ]]; then
    echo "no path of $includes exists here" >&2
    exit 1
  fi
  # A drill dates its snapshots (BEELAB_RESTIC_TIME="2026-01-31 02:00:00"); a normal run takes the clock.
  dated=()
  if [[ -n "${BEELAB_RESTIC_TIME:-}" ]]; then
    dated=(--time "$BEELAB_RESTIC_TIME")
  fi
  restic backup --one-file-system --tag beelab --exclude-file "$here/excludes.txt" "${dated[@]}" "${paths[@]}"
fi
if [[ "$steps" == *" forget "* ]]; then
  restic forget --tag beelab --group-by host --keep-daily 7 --keep-weekly 4 --keep-monthly 6 --keep-yearly 1 --prune
fi
if [[ "$steps" == *" check "* ]]; then
  restic check
fi
