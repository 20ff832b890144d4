// The answers `beelab init` collects, as a zod schema: the shape of an --answers file and of the interactive result.
import { z } from 'zod';
import { FIREWALL_PLATFORMS, POOL_LAYOUTS, SYNC_OVERLAYS, TIERS } from '../spec/schema.ts';

const count = (max: number) => z.number().int().min(0).max(max);

/** Every answer, each described for the JSON Schema and the docs; the checks beyond shape live in the questions. */
export const answerFields = {
  tier: z.enum(TIERS).describe('Size class that supplies every other default.'),
  siteName: z.string().describe('Short DNS-safe name of the site.'),
  domain: z.string().describe('DNS domain for every host and service.'),
  supernet: z.string().describe('Private IPv4 range every VLAN is carved from.'),
  firewall: z.enum(FIREWALL_PLATFORMS).describe('Firewall platform.'),
  primaryNic: z.string().describe('NIC of the primary Proxmox VE node.'),
  systemDrive: z.string().describe('System drive of the primary node, a /dev/disk/by-id path.'),
  poolDrives: z.array(z.string()).describe('Storage pool drives of the primary node, /dev/disk/by-id paths.'),
  computeNodes: count(31).describe('Proxmox VE nodes besides the primary.'),
  storageLayout: z.enum(POOL_LAYOUTS).describe('ZFS layout of the storage pool.'),
  fileSync: z.enum(SYNC_OVERLAYS).describe('File sync overlay on the storage pool.'),
  controlPlanes: z.literal([1, 3, 5]).describe('Talos control planes (odd, for etcd).'),
  workers: count(64).describe('Talos workers of the production cluster.'),
  devopsWorkers: count(32).describe('k3s agents of the DevOps cluster.'),
  apps: z.array(z.string()).describe('Apps from the catalog.'),
  aiNodes: count(16).describe('AI mesh nodes: 1 head, then 1 secondary, then agents.'),
  backup: z.enum(['node', 'vm']).describe('Proxmox Backup Server on its own machine (node) or as a VM (vm).'),
  backupMirror: z.boolean().describe('Keep a second PBS machine that pulls a copy of every backup.'),
  retention: z
    .strictObject({ daily: count(365), weekly: count(104), monthly: count(120) })
    .describe('How many daily, weekly and monthly backups to keep.'),
  alerts: z.string().describe('Where alerts go: e-mail, ntfy topic URL, webhook URL or Matrix room.'),
  sshKey: z.string().describe('Admin OpenSSH public key, or empty.'),
};

/** A complete set of answers. */
export const completeAnswersSchema = z.strictObject(answerFields);

/** An --answers file: any subset of the answers; what it leaves out comes from the tier or the existing beelab.yaml. */
export const answersSchema = completeAnswersSchema.partial();

/** Every answer, as the interactive flow returns it and answersToSpec reads it. */
export type Answers = z.infer<typeof completeAnswersSchema>;
export type AnswerId = keyof Answers;
