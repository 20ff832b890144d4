// The zod schema of beelab.yaml: the single source of truth for its types, its JSON Schema and its validation.
import { z } from 'zod';
import { ACME_DNS_PROVIDER_CODES, ACME_SERVERS } from '../catalog/acme.ts';
import { LAYERS } from '../tree/file-tree.ts';
import { DEFAULTS } from './defaults.ts';
import {
  type Check,
  checkCalendar,
  checkDomain,
  checkEmail,
  checkIpv4,
  checkMac,
  checkNic,
  checkPoolName,
  checkRelayHost,
  checkRepoFilesUrl,
  checkSmarthost,
  checkSshKey,
  checkTimezone,
} from './fields.ts';
import { deviceSchema, oneLineText, ownFlowSchema, ownServiceSchema } from './own.ts';

/**
 * A string judged by one of the field checks that init's prompts use too (a refinement: the JSON Schema keeps its
 * pattern). It runs only when the pattern passed, so a value gets one message, the check's more precise one.
 */
function checked(schema: z.ZodString, check: Check<string>) {
  return schema.check((ctx) => {
    if (ctx.issues.length > 0) return;
    const problem = check(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
}

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'must be 2-32 characters: lowercase letters, digits and -')
  .describe('A DNS-safe name: lowercase letters, digits and -, starting with a letter.');

const cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.20.0.0/16')
  .describe('An IPv4 network in CIDR notation, e.g. 10.20.0.0/16.');

const ipv4 = checked(
  z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as 10.20.10.5'),
  checkIpv4,
).describe('An IPv4 address.');

const mac = checked(
  z
    .string()
    .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'must be a lowercase MAC address such as bc:24:11:00:00:01'),
  checkMac,
).describe('A unicast MAC address, lowercase, colon-separated.');

// Judged by the rule drive/unstable-id (src/spec/rules/hosts.ts), which says how to find the stable name.
const driveId = z
  .string()
  .min(1)
  .describe('A stable drive path such as /dev/disk/by-id/nvme-Samsung_SSD_990_PRO_2TB_S7KHNJ0W123456A.');

export const TIERS = ['single', 'compact', 'reference'] as const;
export const FIREWALL_PLATFORMS = ['opnsense', 'pfsense', 'vyos', 'linux'] as const;
export const NODE_ROLES = ['primary', 'compute', 'backup', 'security'] as const;
export const VLAN_PURPOSES = ['management', 'servers', 'devops', 'ai', 'security', 'clients'] as const;
export const POOL_LAYOUTS = ['single', 'mirror', 'raidz1', 'raidz2', 'stripe'] as const;
export const SYNC_OVERLAYS = ['seafile', 'owncloud', 'opencloud', 'none'] as const;
export const AI_ROLES = ['head', 'secondary', 'agent'] as const;
export const AI_BACKENDS = ['ollama', 'llamacpp', 'mlx', 'vllm', 'lmstudio'] as const;
export const AI_GATEWAYS = ['beelab', 'litellm'] as const;
export const ALERT_TYPES = ['email', 'ntfy', 'webhook', 'matrix'] as const;
/** Alert severities, most severe first (the `severity` label of every Beelab alert). */
export const ALERT_SEVERITIES = ['critical', 'warning'] as const;
export const RELAY_TYPES = ['gpio', 'shelly-gen1', 'shelly-gen2', 'tasmota', 'pikvm', 'command'] as const;
export const PI_MODELS = ['pi-zero-2w', 'pi3', 'pi4', 'pi5'] as const;
export const DRIVE_ROLES = ['system', 'pool', 'backup', 'cache', 'recovery'] as const;
export const APP_PLACEMENTS = ['compose', 'devops', 'production'] as const;
/** What a rack item that is no host of the site is; a host is placed by its name alone. */
export const RACK_ITEM_KINDS = ['patch-panel', 'switch', 'ups', 'pdu', 'shelf', 'blank', 'other'] as const;
/** Rack heights sold as standard, in U: a rack without `rack.units` is the smallest that holds its devices. */
export const RACK_HEIGHTS = [6, 9, 12, 16, 22, 27, 32, 42, 48] as const;

const drive = z
  .strictObject({
    id: driveId,
    role: z
      .enum(DRIVE_ROLES)
      .describe(
        'What the drive is for. system: the OS; pool: the storage pool; backup: PBS datastore; cache: L2ARC/special; recovery: the Clonezilla clone of the system drive (primary node).',
      ),
    sizeGb: z.number().int().positive().optional().describe('Capacity in GB, used for capacity checks.'),
  })
  .describe('A drive, named by its stable /dev/disk/by-id path so a re-cabled disk keeps its role.');

const nic = z.strictObject({
  name: checked(z.string().min(1), checkNic).describe('Interface name on the host, e.g. enp1s0.'),
  mac: mac.optional(),
});

export const nodeSchema = z
  .strictObject({
    name,
    role: z
      .enum(NODE_ROLES)
      .describe(
        'primary: the first Proxmox VE node; compute: more PVE nodes; backup: Proxmox Backup Server; security: Wazuh and the honeypot.',
      ),
    model: oneLineText(120).optional().describe('Hardware model, for the inventory.'),
    cpu: z
      .strictObject({ model: oneLineText(120).optional(), cores: z.number().int().positive() })
      .optional(),
    memoryGb: z.number().int().positive().optional(),
    drives: z.array(drive).optional(),
    nic: nic.optional(),
    address: ipv4
      .optional()
      .describe('Static address on the management VLAN; allocated and locked when omitted.'),
  })
  .describe('A physical machine in the rack.');

const vlan = z.strictObject({
  name,
  id: z.number().int().describe('802.1Q tag, 2-4094.'),
  purpose: z.enum(VLAN_PURPOSES),
  cidr: cidr.optional().describe('Subnet; carved from the supernet and locked when omitted.'),
  dhcp: z.boolean().optional().describe('Serve DHCP on this VLAN. Default: true except on security.'),
  internet: z
    .boolean()
    .optional()
    .describe(
      'Allow egress to the internet. Default: true, except the security VLAN, which gets limited, logged egress (web and DNS only).',
    ),
});

const app = z.union([
  z.string().describe('An app from the catalog, e.g. immich.'),
  z.strictObject({
    name: z.string().describe('An app from the catalog, e.g. immich.'),
    on: z.enum(APP_PLACEMENTS).optional().describe(`Where it runs. Default: ${DEFAULTS.appPlacement}.`),
    version: z
      .string()
      .optional()
      .describe(
        "Pin another version than versions.yaml's, as TAG@sha256:DIGEST (e.g. v2.4.0@sha256:…): the app's image runs that tag at that digest. Default: the app's image in versions.yaml.",
      ),
    subdomain: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be one DNS label such as photos')
      .optional()
      .describe(
        "The app's name under the site domain (https://<subdomain>.<domain>). Default: the catalog's, e.g. photos for immich.",
      ),
  }),
]);

const aiNode = z.strictObject({
  name,
  role: z.enum(AI_ROLES),
  hardware: z
    .strictObject({
      model: oneLineText(120).describe('e.g. Mac Studio M2 Ultra.'),
      memoryGb: z.number().int().positive(),
    })
    .optional(),
  backends: z
    .array(z.enum(AI_BACKENDS))
    .optional()
    .describe(`Model servers on this node. Default: ${DEFAULTS.ai.backend}.`),
  models: z.array(z.string()).optional().describe('Models this node serves, e.g. qwen3:32b.'),
  mac: mac.optional(),
  address: ipv4.optional(),
});

const gatewayKey = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lowercase letters, digits and -, starting with a letter')
    .describe('Who holds the key (a team, an app); its plaintext is the secret gateway-key-<name>.'),
  models: z.array(z.string().min(1)).optional().describe('Models or aliases it may use. Default: all.'),
  rpm: z.number().int().positive().optional().describe('Requests per minute. Default: no limit.'),
  tpm: z.number().int().positive().optional().describe('Tokens per minute. Default: no limit.'),
  budget: z
    .strictObject({ tokens: z.number().int().positive(), period: z.enum(['day', 'month']) })
    .optional()
    .describe("Token budget per UTC day or month (Beelab's gateway only). Default: none."),
});

/** A tailnet policy selector: a tag, a group, autogroup:member or a login (user@example.com). */
const tailnetSelector = z
  .string()
  .regex(
    /^(tag:[a-z0-9][a-z0-9-]*|group:[a-z0-9][a-z0-9-]*|autogroup:member|[^@\s:]+@[^@\s:]+)$/,
    'must be tag:NAME, group:NAME, autogroup:member or a login such as alice@example.com',
  );

const tailscale = z.strictObject({
  admins: z
    .array(z.string().email())
    .optional()
    .describe(
      'Tailnet logins of the admins (group:admins in the policy): they own the tags and may SSH to the Macs. Default: site.admin.email.',
    ),
  clients: z
    .array(tailnetSelector)
    .optional()
    .describe(
      `Who on the tailnet may call the gateway. Default: ${DEFAULTS.ai.tailnetClients.join(', ')} (the users' own devices and devices tagged as clients).`,
    ),
  tagOwners: z
    .record(z.string().regex(/^tag:[a-z0-9][a-z0-9-]*$/, 'must be tag:NAME'), z.array(tailnetSelector))
    .optional()
    .describe(
      'Further tags for tailnet devices outside the site (a CI runner, a laptop fleet) and who may assign them, e.g. tag:ci: [group:admins]. Default: none.',
    ),
  subnetRouter: z
    .strictObject({
      host: z.string().describe('The host that advertises the routes: an AI node or another Linux host.'),
      vlans: z.array(z.string()).min(1).describe('VLANs whose subnets it advertises to the tailnet.'),
    })
    .optional()
    .describe(
      'Subnet routes: tailnet clients reach the services in these VLANs (the apps) through this host. Default: none.',
    ),
});

const watchdog = z.strictObject({
  name,
  hardware: z.enum(PI_MODELS).optional().describe(`Default: ${DEFAULTS.watchdog.hardware}.`),
  relay: z.enum(RELAY_TYPES),
  relayHost: checked(z.string(), checkRelayHost)
    .optional()
    .describe('Smart plug or PiKVM host name or address (shelly, tasmota, pikvm).'),
  gpioPin: z
    .number()
    .int()
    .min(0)
    .max(40)
    .optional()
    .describe(`GPIO line for gpio relays. Default: ${DEFAULTS.watchdog.gpioPin}.`),
  targets: z.array(z.string()).min(1).describe('Host names this watchdog may power-cycle.'),
  mac: mac.optional(),
  address: ipv4.optional(),
});

/** Free text for a map or a table. */
const label = oneLineText(60);

const rackDevice = z
  .strictObject({
    name: name.describe(
      'A host of the site (a node, the firewall, a Mac, a Pi, one of your devices), or with `kind` an item Beelab does not manage (patch panel, switch, UPS, PDU, shelf).',
    ),
    // 1 or more: the rule rack/out-of-range says so with the free spans, so the schema does not say it twice.
    u: z
      .number()
      .int()
      .describe('The lowest U it takes: U1 is the bottom of the rack, a 2U device at u 3 takes U3 and U4.'),
    height: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Height in U. Default: a height in the model ("... 2U"), else by kind: 1U for the firewall, a mini PC node (MS-01, NUC, Tiny), the security node, a switch, a patch panel, a PDU and a shelf of up to four Pis; 2U for other backup servers and a UPS; 3U for a Mac Studio or a shelf of four Macs, 2U for up to three Mac minis.',
      ),
    kind: z
      .enum(RACK_ITEM_KINDS)
      .optional()
      .describe('What an item that is no host of the site is. A host needs no kind.'),
    label: label.optional().describe('Text on the map. Default: the model, or the kind.'),
    hosts: z
      .array(z.string())
      .optional()
      .describe(
        'For a shelf (or any item that is no host): the hosts standing on it, e.g. Mac minis or Pis.',
      ),
  })
  .describe('One item in the rack: a host of the site, or an item Beelab does not manage.');

const vmPin = z
  .strictObject({
    name: z
      .string()
      .describe('A VM of the site, e.g. talos-cp1, k3s-s1, apps, monitor (see docs/inventory.md).'),
    vmid: z
      .number()
      .int()
      .min(100)
      .max(999999999)
      .optional()
      .describe(
        'Proxmox VM id to give it instead of the allocated one (100-999999999), e.g. to adopt a VM that exists. It must not be an id beelab.lock.yaml holds for another VM.',
      ),
    node: z
      .string()
      .optional()
      .describe('Proxmox VE node (role primary or compute) to run it on instead of the one Beelab picks.'),
  })
  .describe('What you fix about one VM Beelab generates.');

const retention = z.strictObject({
  daily: z.number().int().min(0).optional(),
  weekly: z.number().int().min(0).optional(),
  monthly: z.number().int().min(0).optional(),
  yearly: z.number().int().min(0).optional(),
});

const alertChannel = z.strictObject({
  type: z.enum(ALERT_TYPES),
  target: z.string().min(1).describe('E-mail address, ntfy topic URL, webhook URL or Matrix room.'),
  severity: z
    .enum(ALERT_SEVERITIES)
    .optional()
    .describe(
      `The least severe alerts this channel gets: critical only, or warning and up. Default: ${DEFAULTS.alertSeverity}.`,
    ),
  layers: z
    .array(z.enum(LAYERS))
    .min(1)
    .optional()
    .describe('Only the alerts of these layers (their `layer` label). Default: every layer.'),
});

const smtp = z
  .strictObject({
    smarthost: checked(z.string().min(1), checkSmarthost).describe(
      'The mail relay Alertmanager sends through, host:port (587 with STARTTLS, 465 with TLS, 25 plain).',
    ),
    from: checked(z.string().min(1), checkEmail)
      .optional()
      .describe('Sender address. Default: alertmanager@<site.domain>.'),
    username: oneLineText(200)
      .optional()
      .describe(
        'Login at the relay. Its password is the issued secret smtp-password: store it with `beelab secrets set smtp-password --from FILE`; apply installs it on the monitor.',
      ),
  })
  .describe('Mail relay for e-mail alert channels.');

const acme = z
  .strictObject({
    email: checked(z.string().min(1), checkEmail).describe(
      "The ACME account address (Let's Encrypt writes to it about expiring certificates and policy changes).",
    ),
    dnsProvider: z
      .enum(ACME_DNS_PROVIDER_CODES)
      .describe(
        'The DNS provider of site.domain, as lego names it; lego proves control of each name with a TXT record there (DNS-01). Its API token is the issued secret acme-dns-token: `beelab secrets set acme-dns-token --from FILE`.',
      ),
    server: z
      .enum(Object.keys(ACME_SERVERS) as [keyof typeof ACME_SERVERS, ...(keyof typeof ACME_SERVERS)[]])
      .optional()
      .describe(
        "Let's Encrypt production, or staging (untrusted certificates, for trying the setup). Default: production.",
      ),
  })
  .describe(
    "Public certificates for the Compose proxy's app names from Let's Encrypt by ACME DNS-01 (lego on each compose host). Default: none; Caddy's internal CA signs them.",
  );

export const specSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Format version of this file.'),
    tier: z
      .enum(TIERS)
      .optional()
      .describe(`Size class that supplies every default. Default: ${DEFAULTS.tier}.`),
    site: z.strictObject({
      name,
      domain: checked(
        z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a domain such as lab.example.com'),
        checkDomain,
      ).describe('DNS domain for every host and service.'),
      timezone: checked(z.string(), checkTimezone)
        .optional()
        .describe(`IANA timezone. Default: ${DEFAULTS.timezone}.`),
      admin: z
        .strictObject({
          email: z.string().email().optional(),
          sshKeys: z
            .array(
              checked(
                z
                  .string()
                  .regex(/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp\d+) /, 'must be an OpenSSH public key'),
                checkSshKey,
              ),
            )
            .optional(),
          ageRecipients: z
            .array(
              z
                .string()
                .regex(
                  /^age1[02-9ac-hj-np-z]{58}$/,
                  'must be an age recipient (age1… from `age-keygen -y`); SSH keys are not supported as recipients',
                ),
            )
            .optional()
            .describe(
              'Who can decrypt secrets/ (age recipients, age1…). Default: none; `beelab apply` then refuses to create secrets.',
            ),
        })
        .optional(),
      acme: acme.optional(),
    }),
    network: z
      .strictObject({
        supernet: cidr
          .optional()
          .describe(`Private range every VLAN is carved from. Default: ${DEFAULTS.supernet}.`),
        firewall: z
          .strictObject({
            platform: z
              .enum(FIREWALL_PLATFORMS)
              .optional()
              .describe(`Default: ${DEFAULTS.firewall.platform}.`),
            name: name.optional().describe(`Host name of the firewall. Default: ${DEFAULTS.firewall.name}.`),
            wan: checked(z.string(), checkNic)
              .optional()
              .describe(`WAN NIC name. Default: ${DEFAULTS.firewall.wan}.`),
            trunk: checked(z.string(), checkNic)
              .optional()
              .describe(`Trunk NIC carrying the VLANs. Default: ${DEFAULTS.firewall.trunk}.`),
            mac: mac.optional(),
          })
          .optional(),
        vlans: z.array(vlan).optional().describe('Default: from the tier.'),
      })
      .optional(),
    nodes: z.array(nodeSchema).optional().describe('Physical machines. Default: from the tier.'),
    storage: z
      .strictObject({
        pool: checked(z.string(), checkPoolName)
          .optional()
          .describe(`ZFS pool name. Default: ${DEFAULTS.storage.pool}.`),
        layout: z.enum(POOL_LAYOUTS).optional().describe(`Default: ${DEFAULTS.storage.layout}.`),
        sync: z
          .enum(SYNC_OVERLAYS)
          .optional()
          .describe(`File sync overlay on the pool. Default: ${DEFAULTS.storage.sync}.`),
        nfs: z
          .boolean()
          .optional()
          .describe(`Export the pool over NFS to the servers VLAN. Default: ${DEFAULTS.storage.nfs}.`),
      })
      .optional(),
    ups: z
      .strictObject({
        enabled: z.boolean().optional(),
        model: oneLineText(120).optional(),
        driver: z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9_-]*$/,
            'must be a NUT driver name such as usbhid-ups (see `man nutupsdrv`)',
          )
          .optional()
          .describe(`NUT driver. Default: ${DEFAULTS.upsDriver}.`),
        host: z.string().optional().describe('Node the UPS USB cable is plugged into. Default: the primary.'),
      })
      .optional(),
    production: z
      .strictObject({
        controlPlanes: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Talos control planes; odd for etcd quorum. Default: from tier.'),
        workers: z.number().int().min(0).optional(),
        version: z
          .string()
          .optional()
          .describe('Talos version. Default: the `talos` entry of versions.yaml.'),
        memoryGb: z.number().int().positive().optional().describe('Memory per Talos VM.'),
        podSubnet: cidr
          .optional()
          .describe(
            `Pod CIDR of the Talos cluster; must not overlap the supernet. Default: ${DEFAULTS.production.podSubnet}.`,
          ),
        serviceSubnet: cidr
          .optional()
          .describe(
            `Service CIDR of the Talos cluster; must not overlap the supernet. Default: ${DEFAULTS.production.serviceSubnet}.`,
          ),
      })
      .optional(),
    devops: z
      .strictObject({
        servers: z.number().int().min(0).optional().describe('k3s servers. Default: from tier.'),
        agents: z.number().int().min(0).optional(),
        version: z.string().optional().describe('k3s version. Default: the `k3s` entry of versions.yaml.'),
        memoryGb: z.number().int().positive().optional(),
        podSubnet: cidr
          .optional()
          .describe(
            `Pod CIDR of the k3s cluster (cluster-cidr); must not overlap the supernet. Default: ${DEFAULTS.devops.podSubnet}.`,
          ),
        serviceSubnet: cidr
          .optional()
          .describe(
            `Service CIDR of the k3s cluster (service-cidr); must not overlap the supernet. Default: ${DEFAULTS.devops.serviceSubnet}.`,
          ),
      })
      .optional(),
    compute: z
      .strictObject({
        memoryOvercommit: z
          .number()
          .positive()
          .max(10)
          .optional()
          .describe(
            `How much memory the VMs on a Proxmox VE node may be given, as a multiple of what the node has for VMs (its memoryGb less ${DEFAULTS.compute.reservedGb} GB kept for Proxmox VE and the ZFS ARC). 1 allows no over-commit; 1.5 gives VMs 50% more than the node has (ballooning and KSM must then make up for it); below 1 keeps headroom, e.g. 0.66 on three nodes leaves room to restart a failed node's VMs on the other two. Default: ${DEFAULTS.compute.memoryOvercommit}.`,
          ),
        vms: z
          .array(vmPin)
          .optional()
          .describe(
            'VMs whose Proxmox VM id or node you fix. Default: none; ids and nodes are allocated and locked.',
          ),
      })
      .optional()
      .describe('The Proxmox VE nodes as a pool of compute: over-commit, and VMs you pin.'),
    apps: z.array(app).optional().describe('Apps from the catalog. Default: from tier.'),
    ai: z
      .strictObject({
        nodes: z.array(aiNode).optional(),
        gatewayPort: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .optional()
          .describe(`Port of the OpenAI-compatible gateway. Default: ${DEFAULTS.ai.gatewayPort}.`),
        tailnet: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]*\.ts\.net$/, 'must be a tailnet DNS name such as tail1234.ts.net')
          .optional()
          .describe(
            'Tailscale tailnet DNS name (MagicDNS), e.g. tail1234.ts.net: the gateway reaches each Mac as <host>.<tailnet>. Default: none; the gateway reaches the Macs by their site DNS names.',
          ),
        gateway: z
          .enum(AI_GATEWAYS)
          .optional()
          .describe(
            `The OpenAI-compatible gateway in front of the mesh: beelab (its own, ai/gateway/gateway.yaml) or litellm (ai/gateway/litellm/config.yaml). Default: ${DEFAULTS.ai.gateway}.`,
          ),
        keys: z
          .array(gatewayKey)
          .optional()
          .describe(
            'API keys of the gateway beyond the ones Beelab makes for the site (agents, apps, clusters, operators, the smoke test). Default: none.',
          ),
        tailscale: tailscale
          .optional()
          .describe('The tailnet policy: admins, gateway clients, extra tags, subnet routes.'),
      })
      .optional(),
    backup: z
      .strictObject({
        primary: z
          .string()
          .optional()
          .describe('Node running Proxmox Backup Server. Default: the backup node.'),
        mirror: z.string().optional().describe('Second PBS that pulls a copy. Default: from tier.'),
        retention: retention.optional(),
        schedule: checked(oneLineText(100), checkCalendar)
          .optional()
          .describe(
            `systemd calendar event for backups. Default: ${DEFAULTS.backup.schedule} (daily at 02:00).`,
          ),
        clonezilla: z
          .boolean()
          .optional()
          .describe(`Keep Clonezilla images of physical nodes. Default: ${DEFAULTS.backup.clonezilla}.`),
        cloneSchedule: checked(oneLineText(100), checkCalendar)
          .optional()
          .describe(
            `systemd calendar event of the primary's Clonezilla clone (a reboot into Clonezilla live after maintenance). Default: ${DEFAULTS.backup.cloneSchedule} (the first Sunday of the month at 04:00).`,
          ),
      })
      .optional(),
    observability: z
      .strictObject({
        alerts: z.array(alertChannel).optional(),
        smtp: smtp.optional(),
        runbooks: checked(z.string(), checkRepoFilesUrl)
          .optional()
          .describe(
            "The web address of this repository's files on your forge, e.g. https://git.example.com/ops/rack/src/branch/main/ (Forgejo) or https://github.com/me/rack/blob/main/: every alert's runbook_url becomes a link to its runbook there. Default: the runbook's path in the repository, docs/runbooks/<scenario>.md.",
          ),
        securityNode: z.boolean().optional().describe('Run Wazuh. Default: from tier.'),
        honeypot: z.boolean().optional().describe('Run T-Pot in the security VLAN. Default: from tier.'),
      })
      .optional(),
    watchdogs: z.array(watchdog).optional().describe('Raspberry Pi watchdogs. Default: from tier.'),
    rack: z
      .strictObject({
        units: z
          .number()
          .int()
          .min(1)
          .max(60)
          .optional()
          .describe(
            `Height of the rack in U. Default: the smallest standard height (${RACK_HEIGHTS.join(', ')}) that holds the devices.`,
          ),
        devices: z
          .array(rackDevice)
          .optional()
          .describe(
            'Where each item sits, in any order; then these are the rack, and hosts not listed are not in it. Default: derived from the site, top to bottom: patch panel, switch, firewall, Proxmox VE nodes, backup servers, security node, a shelf of Macs, a shelf of Pis, and the UPS at the bottom.',
          ),
      })
      .optional()
      .describe('The rack map (docs/rack.md and docs/rack.svg): every U and what is in it.'),
    devices: z.array(deviceSchema).optional().describe('Your devices that Beelab does not manage.'),
    services: z.array(ownServiceSchema).optional().describe('Your own services, beside the catalog.'),
    flows: z
      .array(ownFlowSchema)
      .optional()
      .describe('Traffic between your things that no service declares.'),
  })
  .describe('Beelab site definition: everything the stack is rebuilt from.');

/** What the user wrote in beelab.yaml, after structural validation. */
export type Spec = z.infer<typeof specSchema>;
export type NodeSpec = z.infer<typeof nodeSchema>;
export type Tier = (typeof TIERS)[number];
export type FirewallPlatform = (typeof FIREWALL_PLATFORMS)[number];
export type NodeRole = (typeof NODE_ROLES)[number];
export type VlanPurpose = (typeof VLAN_PURPOSES)[number];
export type AiRole = (typeof AI_ROLES)[number];
export type AiBackend = (typeof AI_BACKENDS)[number];
export type RelayType = (typeof RELAY_TYPES)[number];
export type PoolLayout = (typeof POOL_LAYOUTS)[number];
export type SyncOverlay = (typeof SYNC_OVERLAYS)[number];
export type AlertType = (typeof ALERT_TYPES)[number];
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AppPlacement = (typeof APP_PLACEMENTS)[number];
export type DriveRole = (typeof DRIVE_ROLES)[number];
export type RackItemKind = (typeof RACK_ITEM_KINDS)[number];
