// Writes a spec as a commented, readable beelab.yaml: a header for editors and a comment above every section.
import { Document, isMap, isScalar, visit } from 'yaml';
import { APP_CATALOG } from '../catalog/apps.ts';
import { type Spec, specSchema } from '../spec/schema.ts';

/** First line of every generated beelab.yaml: editors that speak yaml-language-server autocomplete from it. */
export const SCHEMA_LINE = 'yaml-language-server: $schema=.beelab/beelab.schema.json';

const HEADER = [
  SCHEMA_LINE,
  'Beelab site definition: the one file this infrastructure is rebuilt from.',
  'Edit this file, then run `beelab render` (and `beelab check`). `beelab init` wrote it; re-running',
  'init offers these values as defaults. Every field is described in the JSON Schema named above.',
];

const SECTION_HELP: Record<string, string[]> = {
  $schema: ['JSON Schema of this file, for editors that read $schema.'],
  version: ['Format version of this file.'],
  tier: [
    'Size class: single | compact | reference. It supplies the default of anything this file leaves out;',
    'init wrote every value out in full, so what you see below is what gets built.',
  ],
  site: ['Name, DNS domain, timezone and the admin contact; admin.sshKeys go onto every host.'],
  network: [
    'The private supernet every VLAN is carved from, the firewall and the VLANs.',
    'A VLAN without cidr gets a /24 from the supernet, recorded in beelab.lock.yaml so it never moves.',
  ],
  nodes: [
    'Physical machines. Drives are named by /dev/disk/by-id paths so a re-cabled disk keeps its role:',
    "replace the placeholders (the tier's examples, and compute-node ids ending in -<node> derived from",
    "the primary's) with the output of `ls -l /dev/disk/by-id` on each machine.",
    'Addresses and MACs left out are allocated and locked in beelab.lock.yaml.',
  ],
  storage: [
    'The ZFS storage pool on the primary (layout: single | mirror | raidz1 | raidz2 | stripe),',
    'its file sync overlay and the NFS export to the servers VLAN.',
  ],
  ups: ['The UPS monitored by NUT; host is the node its USB cable is plugged into (default: the primary).'],
  production: ['Production cluster: Talos Linux VMs. Keep controlPlanes odd (1, 3 or 5) for etcd quorum.'],
  devops: ['DevOps cluster: k3s (Cilium, MetalLB) running CI, the registry and build jobs.'],
  apps: [
    'Apps from the catalog; each brings its DNS name, proxy route, firewall flows, backups, probes and alerts.',
    'Write { name, on: compose | devops | production, version } to place or pin one. Catalog:',
    ...wrap(APP_CATALOG.map((a) => a.name).join(', '), 96),
  ],
  ai: ['AI mesh: the head, secondaries and agents behind the OpenAI-compatible gateway (gatewayPort).'],
  backup: [
    'Proxmox Backup Server: primary is the backup node (absent = PBS runs as a VM), mirror pulls a copy.',
    'retention counts the backups kept; schedule is a systemd calendar event.',
  ],
  observability: [
    'Where alerts go (email | ntfy | webhook | matrix), and the Wazuh security node and T-Pot honeypot.',
  ],
  watchdogs: [
    'Raspberry Pi watchdogs that power-cycle a hung machine through a relay (gpio, smart plug, PiKVM).',
  ],
};

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** Sections in schema order, so every generated file reads the same way whatever order the spec was built in. */
function ordered(spec: Spec): Record<string, unknown> {
  const keys = Object.keys(specSchema.shape) as (keyof Spec)[];
  const out: Record<string, unknown> = {};
  for (const key of keys) if (spec[key] !== undefined) out[key] = spec[key];
  return out;
}

/** Short lists of plain values (backends, models, targets) read better on one line. */
const FLOW_MAX = 72;

/** The beelab.yaml text for a spec. Same spec, same bytes. */
export function writeSpecYaml(spec: Spec): string {
  const doc = new Document(ordered(spec), { aliasDuplicateObjects: false, version: '1.1' });
  doc.commentBefore = HEADER.map((l) => ` ${l}`).join('\n');
  visit(doc, {
    Seq(_, seq) {
      const scalars = seq.items.every((i) => isScalar(i));
      const width = seq.items.reduce<number>((n, i) => n + String(isScalar(i) ? i.value : '').length + 2, 0);
      if (scalars && width <= FLOW_MAX && seq.items.length > 0) seq.flow = true;
    },
  });
  if (isMap(doc.contents)) {
    for (const [i, pair] of doc.contents.items.entries()) {
      if (!isScalar(pair.key)) continue;
      const help = SECTION_HELP[String(pair.key.value)];
      if (help) pair.key.commentBefore = help.map((l) => ` ${l}`).join('\n');
      // The header comment already ends with a blank line.
      pair.key.spaceBefore = i > 0;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** True when a text starts the way writeSpecYaml writes, i.e. it points editors at the schema. */
export function hasSchemaLine(text: string): boolean {
  return text.startsWith(`# ${SCHEMA_LINE}\n`);
}
