// Derives the backup station from two answers: PBS on its own machine or as a VM, and a mirror machine or not.
import type { Spec } from '../spec/schema.ts';
import { addReferenceNode, removeNode } from './derive-nodes.ts';

/** Which backup nodes play primary and mirror, read the way the resolver reads them. */
export interface BackupHosts {
  /** Backup node running the primary PBS; undefined when PBS runs as a VM. */
  primary?: string;
  mirror?: string;
}

/** backup.primary defaults to "the backup node": the first backup-role node that is not the mirror. */
export function backupHosts(spec: Spec): BackupHosts {
  const backupNodes = (spec.nodes ?? []).filter((n) => n.role === 'backup').map((n) => n.name);
  const named = (name: string | undefined) => (name && backupNodes.includes(name) ? name : undefined);
  let primary = named(spec.backup?.primary);
  const mirror = named(spec.backup?.mirror) === primary ? undefined : named(spec.backup?.mirror);
  primary ??= backupNodes.find((n) => n !== mirror);
  return { ...(primary ? { primary } : {}), ...(mirror ? { mirror } : {}) };
}

/** Adds or removes backup machines to match; returns the names of removed nodes. */
export function setBackup(spec: Spec, mode: 'node' | 'vm', mirror: boolean): string[] {
  const removed: string[] = [];
  const hosts = backupHosts(spec);
  // Name the machines explicitly first: removing or adding one must not shift which is which.
  spec.backup = { ...spec.backup, ...hosts };
  if (mode === 'vm' && hosts.primary) {
    removeNode(spec, hosts.primary);
    removed.push(hosts.primary);
    delete spec.backup.primary;
  }
  if (!mirror && hosts.mirror) {
    removeNode(spec, hosts.mirror);
    removed.push(hosts.mirror);
    delete spec.backup.mirror;
  }
  if (mode === 'node' && !spec.backup.primary) {
    const spare = (spec.nodes ?? []).find((n) => n.role === 'backup' && n.name !== spec.backup?.mirror);
    spec.backup.primary = spare?.name ?? addReferenceNode(spec, 'backup', 'pbs');
  }
  if (mirror && !spec.backup.mirror) {
    const spare = (spec.nodes ?? []).find((n) => n.role === 'backup' && n.name !== spec.backup?.primary);
    spec.backup.mirror = spare?.name ?? addReferenceNode(spec, 'backup', 'pbs');
  }
  return removed;
}
