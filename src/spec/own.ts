// The user's own things in beelab.yaml: devices the tiers do not know (a NAS, a printer), services on any host
// and flows between any two of them. They feed the same catalog, policy, DNS and status as everything else.
import { z } from 'zod';

const ownName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'must be 2-32 characters: lowercase letters, digits and -');

/** Who or what a flow or service consumer names. */
export const endpointSchema = z
  .union([
    z.literal('tailnet').describe('Devices on the Tailscale tailnet.'),
    z.strictObject({ vlan: z.string().describe('Every device of this VLAN (say why in `why`).') }),
    z.strictObject({ host: z.string().describe('A host or device of the site, by name.') }),
    z.strictObject({ role: z.string().describe('Every host with this role, e.g. docker or k3s.') }),
    z.strictObject({ vip: z.string().describe('A virtual address of the site, e.g. k3s-ingress.') }),
  ])
  .describe('tailnet, or one of { vlan }, { host }, { role }, { vip }.');

const portNumber = z.number().int().min(1).max(65535);

/** Free text of at most `max` characters for generated files and tables: one printable line. */
export function oneLineText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine(
      (v) => ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
      'must be one line of text (no line breaks or control characters)',
    );
}

/** Free text that reaches firewall rule descriptions, nftables comments and doc tables. */
const oneLine = oneLineText(200);

const ownPort = z.strictObject({
  name: ownName.describe('What the port is for, e.g. game or smb.'),
  port: portNumber,
  protocol: z.enum(['tcp', 'udp']).optional().describe('Default: tcp.'),
});

export const deviceSchema = z
  .strictObject({
    name: ownName,
    vlan: z.string().describe('The VLAN it is plugged into, by name.'),
    address: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as 10.20.10.5')
      .optional()
      .describe('Static address; allocated from the VLAN static range and locked when omitted.'),
    mac: z
      .string()
      .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'must be a lowercase MAC address such as bc:24:11:00:00:01')
      .optional()
      .describe('With a MAC the device gets a fixed DHCP lease on its address.'),
    description: oneLine.optional(),
  })
  .describe('A device Beelab does not manage (NAS, printer, switch, TV) that services and flows may name.');

export const ownServiceSchema = z
  .strictObject({
    name: ownName.describe('Unique among all services, e.g. minecraft. Also its DNS name with `dns: true`.'),
    host: z.string().describe('The host or device it runs on.'),
    description: oneLine.describe('What it is: shown in the flow docs and firewall rule texts.'),
    ports: z.array(ownPort).min(1),
    consumers: z.array(endpointSchema).optional().describe('Who must reach it. Default: management only.'),
    why: oneLine.optional().describe('Why a whole VLAN consumes it (required for a VLAN consumer).'),
    health: z
      .strictObject({
        port: z.string().describe('Name of one of its ports.'),
        path: z.string().startsWith('/').optional().describe('HTTP path; a TCP check without it.'),
        scheme: z.enum(['http', 'https']).optional(),
        expect: z.number().int().min(100).max(599).optional(),
      })
      .optional(),
    metrics: z
      .strictObject({ port: z.string(), path: z.string().startsWith('/') })
      .optional()
      .describe('A Prometheus endpoint to scrape.'),
    dns: z.boolean().optional().describe('Give it <name>.<domain> in DNS. Default: false.'),
    volumes: z.array(z.string().startsWith('/')).optional().describe('Data to back up, paths on the host.'),
  })
  .describe('A service of your own on a host or device of the site.');

export const ownFlowSchema = z
  .strictObject({
    from: endpointSchema,
    to: endpointSchema,
    protocol: z.enum(['tcp', 'udp', 'icmp']),
    ports: z.array(portNumber).optional().describe('Required for tcp and udp.'),
    why: oneLine.describe('Why this traffic must pass: shown in the docs and the firewall rule.'),
  })
  .describe('Traffic between two of your things that no service declares.');

export type EndpointSpec = z.infer<typeof endpointSchema>;
export type DeviceSpec = z.infer<typeof deviceSchema>;
export type OwnServiceSpec = z.infer<typeof ownServiceSchema>;
export type OwnFlowSpec = z.infer<typeof ownFlowSchema>;
