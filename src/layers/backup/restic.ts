// File-level backups with restic of what no VM backup covers: the Proxmox VE and backup nodes' own config, the
// other physical Debian hosts, the Pis and the Macs, to a repository per host on the primary backup server over
// SFTP. Model weights are left out: they are downloaded again.
import type { Host, Site } from '../../site/types.ts';
import { GENERATED_NOTICE, toIni, toPlist } from '../../tree/serialize/index.ts';
import { isDebianFamily } from '../devops/ansible-access.ts';
import type { BackupModel } from './model.ts';

export const resticDir = (host: string) => `backup/restic/${host}`;
/** The password of every restic repository (secrets/restic-password.age). */
export const RESTIC_SECRET = 'restic-password';
/** Where the clients keep their settings and the password. */
export const RESTIC_ETC = '/etc/beelab/restic';
/** The user the clients log in as on the backup server (SFTP only). */
export const RESTIC_USER = 'restic';

/** Paths no restore needs: model weights (downloaded again) and caches. restic --exclude-file patterns. */
export const RESTIC_EXCLUDES = [
  '*.gguf',
  '*.safetensors',
  '*.mlx',
  '.ollama/models',
  '/usr/share/ollama/.ollama/models',
  '/var/lib/ollama',
  '.cache/huggingface',
  '.cache/lm-studio',
  '.lmstudio/models',
  'Library/Caches',
  '.cache/pip',
  '.Trash',
  '/var/cache',
  '/var/tmp',
];

export interface ResticSource {
  host: Host;
  platform: 'linux' | 'macos';
  /** Absolute paths to back up. */
  paths: string[];
  /** `sftp:restic@ADDR:/backup/restic/HOST`. */
  repository: string;
  /** Paths a restore puts back where they were: data no role recreates (homes, /srv). */
  restoreInPlace: string[];
  /** Where a restore puts the whole snapshot, to compare and pick from (the roles recreate the configuration). */
  restoreStage: string;
}

/** Data Beelab does not recreate: a restore puts it back in place; configuration goes beside, for comparison. */
const IN_PLACE = new Set(['/home', '/srv', '/Users']);

function pathsOf(h: Host): string[] {
  if (h.kind === 'mac')
    return ['/etc', '/Library/LaunchDaemons', '/opt/homebrew/etc', '/usr/local/etc', '/Users'];
  if (h.roles.includes('pve')) return ['/etc', '/root', '/var/lib/pve-cluster'];
  if (h.roles.includes('pbs')) return ['/etc', '/root'];
  if (h.kind === 'pi') return ['/etc', '/home', '/opt/beelab'];
  return ['/etc', '/root', '/home', '/srv'];
}

/** The directory of the restic repositories on the primary backup server: beside the datastore. */
export function resticRepoDir(model: BackupModel): string {
  return model.primary.path.replace(/\/[^/]+$/, '/restic');
}

/** Whether restic keeps a host's files: physical Debian-family hosts, Pis and Macs (VMs are in vzdump). */
export function isResticSource(h: Host): boolean {
  return !h.vm && (h.kind === 'mac' || ((h.kind === 'physical' || h.kind === 'pi') && isDebianFamily(h)));
}

/** Every host whose files restic keeps, with its repository on the primary backup server. */
export function resticSources(site: Site, model: BackupModel): ResticSource[] {
  const dir = resticRepoDir(model);
  return site.hosts.filter(isResticSource).map((h) => ({
    host: h,
    platform: h.kind === 'mac' ? 'macos' : 'linux',
    paths: pathsOf(h),
    repository: `sftp:${RESTIC_USER}@${model.primary.host.address}:${dir}/${h.name}`,
    restoreInPlace: pathsOf(h).filter((p) => IN_PLACE.has(p)),
    restoreStage: h.kind === 'mac' ? '/Users/Shared/beelab-restore' : '/var/lib/beelab/restore',
  }));
}

/** `--keep-daily 7 ...`: the spec's retention as restic forget flags (a period of 0 is left out). */
export function resticKeepFlags(site: Site): string[] {
  const r = site.backup.retention;
  return (['daily', 'weekly', 'monthly', 'yearly'] as const).flatMap((k) =>
    r[k] > 0 ? [`--keep-${k}`, String(r[k])] : [],
  );
}

/**
 * The one script every client runs (and the restore drill runs with a local repository): back up the paths
 * of `includes.txt` without `excludes.txt`, then forget and prune by the spec's retention, then check.
 */
export function backupScript(site: Site): string {
  return `#!/usr/bin/env bash
# Beelab: file-level backup with restic, then retention (beelab.yaml backup.retention), then a check.
# Settings: restic.env beside this script (RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE), includes.txt, excludes.txt.
# Restore: docs/backup.md#restore-files-restic
set -euo pipefail

here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "\${RESTIC_REPOSITORY:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$here/restic.env"
  set +a
fi
: "\${RESTIC_PASSWORD_FILE:?RESTIC_PASSWORD_FILE must name the repository password file}"
includes="\${BEELAB_RESTIC_INCLUDES:-$here/includes.txt}"

# What to run; a drill runs the steps one at a time (BEELAB_RESTIC_STEPS="backup", then "forget").
steps=" \${BEELAB_RESTIC_STEPS:-backup forget check} "

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
  if [[ \${#paths[@]} -eq 0 ]]; then
    echo "no path of $includes exists here" >&2
    exit 1
  fi
  # A drill dates its snapshots (BEELAB_RESTIC_TIME="2026-01-31 02:00:00"); a normal run takes the clock.
  dated=()
  if [[ -n "\${BEELAB_RESTIC_TIME:-}" ]]; then
    dated=(--time "$BEELAB_RESTIC_TIME")
  fi
  restic backup --one-file-system --tag beelab --exclude-file "$here/excludes.txt" "\${dated[@]}" "\${paths[@]}"
fi
if [[ "$steps" == *" forget "* ]]; then
  restic forget --tag beelab --group-by host ${resticKeepFlags(site).join(' ')} --prune
fi
if [[ "$steps" == *" check "* ]]; then
  restic check
fi
`;
}

/**
 * The restore a rebuild runs (and an admin at 3 a.m.): the newest snapshot (or BEELAB_RESTIC_SNAPSHOT) whole into
 * the staging directory, then the data paths in place. The settings are those backup.sh uses.
 */
export function restoreScript(source: ResticSource): string {
  return `#!/usr/bin/env bash
# Beelab: restore this machine's newest file backup (restic). The whole snapshot goes to the staging directory
# (configuration: compare and copy what you need; the roles recreate the rest); data paths go back in place.
# Usage: restore.sh [STAGING_DIR]    BEELAB_RESTIC_SNAPSHOT=<id> restores another snapshot than the newest.
set -euo pipefail

here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "\${RESTIC_REPOSITORY:-}" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$here/restic.env"
  set +a
fi
: "\${RESTIC_PASSWORD_FILE:?RESTIC_PASSWORD_FILE must name the repository password file}"
snapshot="\${BEELAB_RESTIC_SNAPSHOT:-latest}"
stage="\${1:-${source.restoreStage}}"
in_place=(${source.restoreInPlace.join(' ')})

mkdir -p "$stage"
chmod 700 "$stage"
restic restore "$snapshot" --tag beelab --target "$stage"
for p in "\${in_place[@]}"; do
  restic restore "$snapshot" --tag beelab --target / --include "$p"
done
echo "restored $snapshot: everything in $stage\${in_place[*]:+, and in place: \${in_place[*]}}"
`;
}

function systemdUnits(site: Site): Record<string, string> {
  return {
    'beelab-restic.service': toIni([
      [
        'Unit',
        {
          Description: 'Beelab file backup (restic)',
          After: 'network-online.target',
          Wants: 'network-online.target',
        },
      ],
      [
        'Service',
        {
          Type: 'oneshot',
          ExecStart: `/bin/bash ${RESTIC_ETC}/backup.sh`,
          Nice: 10,
          IOSchedulingClass: 'idle',
        },
      ],
    ]),
    'beelab-restic.timer': toIni([
      [
        'Unit',
        { Description: 'Beelab file backup (restic), on the schedule of beelab.yaml backup.schedule' },
      ],
      // Persistent: a machine that was off at the time backs up when it is back.
      ['Timer', { OnCalendar: site.backup.schedule, Persistent: 'true', RandomizedDelaySec: '15min' }],
      ['Install', { WantedBy: 'timers.target' }],
    ]),
  };
}

/** launchd's StartCalendarInterval for the schedule's first time of day (macOS has no calendar events). */
function launchdPlist(hour: number, minute: number): string {
  return toPlist(
    {
      Label: 'com.beelab.restic',
      ProgramArguments: ['/bin/bash', `${RESTIC_ETC}/backup.sh`],
      EnvironmentVariables: { PATH: '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin' },
      StartCalendarInterval: { Hour: hour, Minute: minute },
      LowPriorityIO: true,
      StandardOutPath: '/var/log/beelab-restic.log',
      StandardErrorPath: '/var/log/beelab-restic.log',
    },
    { header: GENERATED_NOTICE },
  );
}

/** The files of one restic client, by name under `backup/restic/<host>/`. */
export function resticFiles(site: Site, source: ResticSource, firstTime: number): Record<string, string> {
  const files: Record<string, string> = {
    'restic.env': `RESTIC_REPOSITORY=${source.repository}\nRESTIC_PASSWORD_FILE=${RESTIC_ETC}/password\n`,
    'includes.txt': `${source.paths.join('\n')}\n`,
    'excludes.txt': `# Model weights are downloaded again; caches are rebuilt.\n${RESTIC_EXCLUDES.join('\n')}\n`,
    'backup.sh': backupScript(site),
    'restore.sh': restoreScript(source),
  };
  if (source.platform === 'macos')
    files['com.beelab.restic.plist'] = launchdPlist(Math.floor(firstTime / 60), firstTime % 60);
  else Object.assign(files, systemdUnits(site));
  return files;
}
