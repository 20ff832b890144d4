// zod schema for probe specs, shared by the watchdog config and `beelab status --targets`.
import { z } from 'zod';

const host = z.string().min(1).describe('Host name or IP address');
const port = z.number().int().min(1).max(65535);

export const probeSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('icmp'), host }),
  z.strictObject({ kind: z.literal('tcp'), host, port }),
  z.strictObject({
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }),
    expectStatus: z.array(z.number().int().min(100).max(599)).optional(),
    method: z.enum(['GET', 'HEAD']).optional(),
    insecure: z.boolean().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({
    kind: z.literal('tls'),
    host,
    port: port.default(443),
    servername: z.string().optional(),
    warnDays: z.number().int().min(0).optional(),
  }),
]);
