// Checks Proxmox VE API parameters against the pinned API schema (test/reference/pve/api-parameters.json): the
// parameter exists, and its value has the type, enum, range and sub-format PVE's JSONSchema.pm would accept.
import { readFileSync } from 'node:fs';

interface Param {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string | Record<string, Param & { default_key?: number; alias?: string; keyAlias?: string }>;
}
type Params = Record<string, { properties: Record<string, Param> }>;

export const API: Params = JSON.parse(
  readFileSync(new URL('../reference/pve/api-parameters.json', import.meta.url), 'utf8'),
);

const CONTENT = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import'];
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Named string formats the layer uses, checked the way PVE's JSONSchema.pm does. */
const NAMED: Record<string, (v: string) => boolean> = {
  'pve-tag-list': (v) => v.split(';').every((t) => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t)),
  'pve-storage-content-list': (v) => v.split(',').every((c) => CONTENT.includes(c)),
  'pve-node-list': (v) => v.split(',').every((n) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(n)),
  'address-list': (v) => v.split(/[,; ]/).every((a) => IPV4.test(a)),
  'pve-storage-server': (v) => IPV4.test(v),
  'pve-storage-path': (v) => v.startsWith('/'),
  'pve-storage-options': (v) => /^[\w=.,-]+$/.test(v),
  'pve-bridge-id': (v) => /^[-_.\w\d]+$/.test(v),
  'mac-addr': (v) => /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(v),
  'pve-qm-boot': (v) => /^order=[a-z0-9]+(;[a-z0-9]+)*$/.test(v),
  'pve-qm-ipconfig': (v) =>
    v.split(',').every((kv) => /^ip=\d+\.\d+\.\d+\.\d+\/\d+$|^gw=\d+\.\d+\.\d+\.\d+$/.test(kv)),
  'pve-vm-cpu-conf': (v) => /^[\w-]+$/.test(v),
  'pve-storage-id': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v),
  'pve-vmid': (v) => /^\d+$/.test(v) && Number(v) >= 100 && Number(v) <= 999_999_999,
  'dns-name': (v) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(v),
  'pve-volume-id-or-qm-path': (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]:\S+$/i.test(v),
  'pve-vmid-list': (v) => /^\d+(,\d+)*$/.test(v),
  'pve-configid': (v) => /^[a-z][a-z0-9_-]+$/i.test(v),
  // PVE's calendar parser takes the systemd subset; systemd-analyze judges the value itself (backup tests).
  'pve-calendar-event': (v) => v.trim() === v && v.length > 0 && v.length <= 128,
  'prune-backups': (v) =>
    v
      .split(',')
      .every((kv) => /^keep-all=[01]$|^keep-(last|hourly|daily|weekly|monthly|yearly)=\d+$/.test(kv)),
  CIDR: (v) => /^\d+\.\d+\.\d+\.\d+\/\d{1,2}$/.test(v),
};

/** Problems of one value against its parameter, e.g. `net0: tag 5000 above 4094`. */
export function check(name: string, value: unknown, p: Param): string[] {
  const s = String(value);
  const out: string[] = [];
  if (p.type === 'integer' || p.type === 'number') {
    if (!Number.isFinite(Number(s))) return [`${name}: ${s} is not a number`];
    if (p.minimum !== undefined && Number(s) < p.minimum) out.push(`${name}: ${s} below ${p.minimum}`);
    if (p.maximum !== undefined && Number(s) > p.maximum) out.push(`${name}: ${s} above ${p.maximum}`);
  }
  if (p.type === 'boolean' && !['0', '1', 'true', 'false'].includes(s))
    out.push(`${name}: ${s} is not a boolean`);
  if (p.enum && !p.enum.includes(s)) out.push(`${name}: ${s} is not one of ${p.enum.join(', ')}`);
  if (p.pattern && !new RegExp(`^(?:${p.pattern})$`).test(s))
    out.push(`${name}: ${s} does not match ${p.pattern}`);
  if (typeof p.format === 'string') {
    const f = NAMED[p.format];
    if (!f) out.push(`${name}: format ${p.format} has no check in this test`);
    else if (!f(s)) out.push(`${name}: ${s} is not a ${p.format}`);
  } else if (p.format) {
    const fmt = p.format;
    const defaultKey = Object.entries(fmt).find(([, v]) => v.default_key)?.[0];
    for (const part of s.split(',')) {
      const eq = part.indexOf('=');
      let key = eq < 0 ? defaultKey : part.slice(0, eq);
      const val = eq < 0 ? part : part.slice(eq + 1);
      if (!key || !fmt[key]) {
        out.push(`${name}: ${key ?? part} is not a key of its format`);
        continue;
      }
      const def = fmt[key];
      // e.g. net: `virtio=MAC` is model=virtio plus macaddr=MAC.
      if (def.alias && def.keyAlias) {
        out.push(...check(`${name}.${def.keyAlias}`, key, fmt[def.keyAlias]!));
        key = def.alias;
      }
      out.push(...check(`${name}.${key}`, val, fmt[key]!));
    }
  }
  return out;
}

/** `net0` → `net[n]`. */
function paramName(props: Record<string, Param>, key: string): string | undefined {
  if (props[key]) return key;
  const indexed = key.replace(/\d+$/, '[n]');
  return props[indexed] ? indexed : undefined;
}

export function problems(options: Record<string, unknown>, endpoint: keyof typeof API & string): string[] {
  const props = API[endpoint]!.properties;
  return Object.entries(options).flatMap(([k, v]) => {
    const name = paramName(props, k);
    return name ? check(k, v, props[name]!) : [`${k} is not a parameter of ${endpoint}`];
  });
}
