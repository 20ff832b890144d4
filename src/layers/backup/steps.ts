// The backup layer's apply steps: the backup servers, then the Proxmox VE storages and job, then restic; and for
// `beelab rebuild` only, a restore step per VM (its newest verified snapshot) and per restic client.
import type { Host, Site } from '../../site/types.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { ANSIBLE_CFG_PATH } from '../devops/ansible-scaffold.ts';
import { PHYSICAL_PLAYBOOK } from '../physical/ansible.ts';
import { PHYSICAL_STEPS } from '../physical/steps.ts';
import { DEFAULT_INVENTORY, type Step } from '../step.ts';
import { BACKUP_PLAYBOOK, backupVarsPath, pveBackupNode, RESTIC_RESTORE_TAG } from './ansible.ts';
import { backupModel, PBS_ENCRYPTION_SECRET, pbsServers } from './model.ts';
import { pbsDir } from './pbs-config.ts';
import { PVE_STORAGE_PATH, storageId } from './pve-config.ts';
import { RESTIC_SECRET, resticDir, resticSources } from './restic.ts';

export const BACKUP_STEPS = {
  pbs: 'backup/pbs',
  pve: 'backup/pve-storage',
  restic: 'backup/restic',
  restoreVm: (vm: string) => `backup/restore/${vm}`,
  restoreFiles: (host: string) => `backup/restore-files/${host}`,
} as const;

const SSH = `ssh -o BatchMode=yes ${'$'}{BEELAB_SSH_OPTS:-}`; // a shell expansion, not a template
/** BEELAB_SSH_OPTS holds several options: split on purpose. */
const SPLIT_OK = '# shellcheck disable=SC2086 # BEELAB_SSH_OPTS is split into its options on purpose\n';

function inputsFor(files: FileTree, prefixes: string[]): string[] {
  return files
    .entries()
    .map(([p]) => p)
    .filter(
      (p) =>
        p === BACKUP_PLAYBOOK ||
        p === ANSIBLE_CFG_PATH ||
        p === DEFAULT_INVENTORY ||
        p.startsWith('ansible/group_vars/') ||
        prefixes.some((x) => p.startsWith(x)),
    )
    .sort();
}

/**
 * Runs on a Proxmox VE node (through pvesh, so any node of the cluster will do): the newest snapshot of the VM
 * whose verification passed — or the newest at all with `allow-unverified` as $1 — restored over the VM with its
 * id and MAC (`qmrestore` through the API), then started. A running VM is stopped first.
 */
export function restoreVmScript(node: string, storage: string, vmid: number): string {
  const pick =
    'import json,sys; ok=sys.argv[1]=="allow-unverified"; ' +
    's=[v for v in json.load(sys.stdin) if ok or (v.get("verification") or {}).get("state")=="ok"]; ' +
    'print(max(s, key=lambda v: v["ctime"])["volid"] if s else "")';
  return [
    'set -euo pipefail',
    `volid="$(pvesh get /nodes/${node}/storage/${storage}/content --content backup --vmid ${vmid} --output-format json | python3 -c '${pick}' "\${1:-verified}")"`,
    'if [ -z "$volid" ]; then',
    `  echo "no verified backup of VM ${vmid} on ${storage}; to take the newest unverified one: BEELAB_RESTORE_UNVERIFIED=1" >&2`,
    '  exit 1',
    'fi',
    `if pvesh get /nodes/${node}/qemu/${vmid}/status/current --output-format json 2>/dev/null | grep -q '"status":"running"'; then`,
    `  pvesh create /nodes/${node}/qemu/${vmid}/status/stop`,
    'fi',
    `echo "restoring VM ${vmid} from $volid"`,
    `pvesh create /nodes/${node}/qemu --vmid ${vmid} --archive "$volid" --force 1 --unique 0`,
    `pvesh create /nodes/${node}/qemu/${vmid}/status/start`,
  ].join('\n');
}

function restoreVmStep(vm: Host, via: Host, storage: string, server: string): Step {
  const v = vm.vm!;
  const login = `root@${via.address}`;
  const arg = `"$([ "${'$'}{BEELAB_RESTORE_UNVERIFIED:-0}" = 1 ] && echo allow-unverified || echo verified)"`;
  return {
    id: BACKUP_STEPS.restoreVm(vm.name),
    layer: 'backup',
    title: `Restore VM ${v.vmid} (${vm.name}) on ${v.node} from its newest verified backup on ${server}`,
    hosts: [vm.name],
    run: {
      kind: 'shell',
      script: `${SPLIT_OK}${SSH} ${login} bash -s -- ${arg} <<'BEELAB_RESTORE'\n${restoreVmScript(v.node, storage, v.vmid)}\nBEELAB_RESTORE`,
    },
    inputs: [PVE_STORAGE_PATH],
    after: [BACKUP_STEPS.pve],
    verify: {
      kind: 'shell',
      script: `${SPLIT_OK}${SSH} ${login} pvesh get /nodes/${v.node}/qemu/${v.vmid}/status/current --output-format json | grep -q '"status":"running"'`,
    },
    rebuild: { phase: 'restore' },
  };
}

export function backupSteps(site: Site, files: FileTree): Step[] {
  const model = backupModel(site);
  if (!model || !files.has(BACKUP_PLAYBOOK)) return [];
  const run = (tags: string[], limit?: string) =>
    ({
      kind: 'ansible-playbook',
      playbook: BACKUP_PLAYBOOK,
      tags,
      config: ANSIBLE_CFG_PATH,
      ...(limit ? { limit } : {}),
    }) as const;
  const servers = pbsServers(model);
  const serverNames = servers.map((s) => s.host.name);
  const out: Step[] = [
    {
      id: BACKUP_STEPS.pbs,
      layer: 'backup',
      title: `Proxmox Backup Server on ${serverNames.join(', ')}: backup pool, datastore, jobs, users and tokens`,
      hosts: serverNames,
      run: run(['pbs']),
      inputs: inputsFor(files, [
        ...serverNames.flatMap((h) => [`${pbsDir(h)}/`, backupVarsPath(h)]),
        'ansible/roles/pbs_server/',
      ]),
      after: files.has(PHYSICAL_PLAYBOOK) ? [PHYSICAL_STEPS.base] : [],
      secrets: [...new Set(servers.flatMap((s) => s.users.map((u) => u.secret)))],
      rebuild: { phase: 'vm' },
    },
  ];
  const pve = pveBackupNode(site);
  if (pve && files.has(backupVarsPath(pve.name)) && files.has(PVE_STORAGE_PATH)) {
    out.push({
      id: BACKUP_STEPS.pve,
      layer: 'backup',
      title: `The pbs storage${servers.length > 1 ? 's' : ''} ${servers.map(storageId).join(', ')} and the nightly backup job of the cluster`,
      hosts: [pve.name],
      run: run(['pve-backup']),
      inputs: inputsFor(files, ['backup/pve/', backupVarsPath(pve.name), 'ansible/roles/pve_backup/']),
      after: [BACKUP_STEPS.pbs],
      secrets: [
        PBS_ENCRYPTION_SECRET,
        ...servers.flatMap((s) => s.users.filter((u) => u.userid === 'pve@pbs').map((u) => u.secret)),
      ],
      rebuild: { phase: 'vm' },
    });
    for (const vm of model.vms)
      if (vm.vm && vm.name !== site.firewall.host)
        out.push(restoreVmStep(vm, pve, storageId(model.primary), model.primary.host.name));
  }
  const restic = resticSources(site, model);
  if (restic.length > 0) {
    out.push({
      id: BACKUP_STEPS.restic,
      layer: 'backup',
      title: `restic file backups on ${restic.length} machine${restic.length === 1 ? '' : 's'} to ${model.primary.host.name} (timers, launchd)`,
      hosts: restic.map((s) => s.host.name),
      run: run(['restic']),
      inputs: inputsFor(files, [
        ...restic.flatMap((s) => [`${resticDir(s.host.name)}/`, backupVarsPath(s.host.name)]),
        'ansible/roles/restic_client/',
      ]),
      after: [BACKUP_STEPS.pbs],
      secrets: [RESTIC_SECRET],
      rebuild: { phase: 'app' },
    });
    for (const s of restic)
      out.push({
        id: BACKUP_STEPS.restoreFiles(s.host.name),
        layer: 'backup',
        title: `Restore ${s.host.name}'s newest file backup: ${s.restoreInPlace.join(', ') || 'nothing'} in place, everything beside in ${s.restoreStage}`,
        hosts: [s.host.name],
        run: run([RESTIC_RESTORE_TAG], s.host.name),
        inputs: inputsFor(files, [`${resticDir(s.host.name)}/`, 'ansible/roles/restic_client/']),
        after: [BACKUP_STEPS.restic],
        rebuild: { phase: 'restore' },
      });
  }
  return out;
}
