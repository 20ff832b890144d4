// Field checks of beelab.yaml, one function per kind of value: the schema, the spec rules and init's prompts and
// answers files all call these, so a value is judged the same way wherever it is typed.
import { formatNet, ipToInt, isPrivate, isValidIp, parseCidr } from '../net/ipam.ts';

/** An error message for the user, or undefined when the value is fine. */
export type Check<T> = (value: T) => string | undefined;

const DNS_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DRIVE_ID = /^\/dev\/disk\/by-id\/[A-Za-z0-9][A-Za-z0-9._:+@-]*$/;
const NIC_CHARS = /^[A-Za-z][A-Za-z0-9._-]*$/;
const SSH_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,3})(?: .*)?$/;

export const checkDnsName: Check<string> = (v) =>
  DNS_NAME.test(v)
    ? undefined
    : `${shown(v)} is not a DNS-safe name: use 2-32 lowercase letters, digits and -, starting with a letter`;

/** A value for a message: quoted, with newlines and other control characters escaped, cut when long. */
export function shown(v: string): string {
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 56)}..."` : s;
}

/** The first control character in a value (a newline, NUL, escape, ...), named for a message. */
function controlChar(v: string, allowTab = false): string | undefined {
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && !(allowTab && c === 9)) || (c >= 0x7f && c <= 0x9f)) {
      return c === 10
        ? 'a newline'
        : c === 13
          ? 'a carriage return'
          : `the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/** A DNS domain as resolvers read it: labels of 1-63 lowercase letters, digits and - (not at either end), 253 characters at most. */
export const checkDomain: Check<string> = (v) => {
  const allowed =
    'use lowercase labels of 1-63 letters, digits and - (not first or last) separated by dots, e.g. lab.example.com';
  if (v.length > 253) return `${shown(v)} is ${v.length} characters; a domain has at most 253: ${allowed}`;
  const labels = v.split('.');
  if (labels.length < 2) return `${shown(v)} is not a domain: ${allowed}`;
  for (const label of labels) {
    if (label.length > 63)
      return `${shown(v)} has a label of ${label.length} characters (${shown(label)}); at most 63: ${allowed}`;
    if (label.startsWith('-') || label.endsWith('-'))
      return `${shown(v)} has the label ${shown(label)}, which starts or ends with -: ${allowed}`;
    if (!DNS_LABEL.test(label)) return `${shown(v)} is not a domain: ${allowed}`;
  }
  if (!/^[a-z]{2,}$/.test(labels[labels.length - 1]!))
    return `${shown(v)} ends in ${shown(labels[labels.length - 1]!)}: the last label is letters only (com, net, internal, ...)`;
  return undefined;
};

/** Linux caps interface names at 15 bytes (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

const NIC_ALLOWED =
  'letters, digits, ., - and _, starting with a letter, at most 15 characters (see `ip link`)';

/**
 * A network interface name any Linux tool accepts: at most 15 bytes, no /, : or whitespace (the kernel's own
 * rule), and for the sake of every config file it lands in, none of quotes, < or other punctuation either.
 */
export const checkNic: Check<string> = (v) => {
  if (v.length === 0) return `the interface name is empty: use ${NIC_ALLOWED}`;
  if (Buffer.byteLength(v) > MAX_IFNAME)
    return `${shown(v)} is ${Buffer.byteLength(v)} bytes; a Linux interface name has at most 15: use ${NIC_ALLOWED}`;
  if (!NIC_CHARS.test(v)) {
    const bad = [...v].find((ch, i) => !(i === 0 ? /[A-Za-z]/ : /[A-Za-z0-9._-]/).test(ch))!;
    return `${shown(v)} is not an interface name (${shown(bad)} at position ${v.indexOf(bad) + 1}): use ${NIC_ALLOWED}`;
  }
  return undefined;
};

/** Firewall platforms whose interface names the spec checks; a copy of FIREWALL_PLATFORMS to keep fields.ts a leaf. */
type Platform = 'opnsense' | 'pfsense' | 'vyos' | 'linux';

/** The usual NIC names of each platform: what init writes when a platform change makes the old names invalid. */
export const FIREWALL_NICS: Record<Platform, { wan: string; trunk: string }> = {
  opnsense: { wan: 'igc0', trunk: 'igc1' },
  pfsense: { wan: 'igc0', trunk: 'igc1' },
  vyos: { wan: 'eth0', trunk: 'eth1' },
  linux: { wan: 'enp1s0', trunk: 'enp2s0' },
};

/**
 * The firewall's own NIC names (network.firewall.wan/trunk) as its platform names them: FreeBSD driver and unit
 * on OPNsense and pfSense (igc0, em1, vtnet0, ix0), ethN on VyOS, any Linux name on Linux.
 */
export function checkFirewallNic(platform: Platform, v: string): string | undefined {
  const linux = checkNic(v);
  if (linux) return linux;
  if ((platform === 'opnsense' || platform === 'pfsense') && !/^[a-z]+[0-9]+$/.test(v))
    return `${shown(v)} is not a FreeBSD interface name: ${platform === 'opnsense' ? 'OPNsense' : 'pfSense'} names NICs by driver and unit number, e.g. igc0, em1, vtnet0, ix0 (lowercase letters, then digits)`;
  if (platform === 'vyos' && !/^eth\d{1,4}$/.test(v))
    return `${shown(v)} is not a VyOS NIC name: VyOS names Ethernet NICs eth0, eth1, ... (show interfaces); the VLAN sub-interfaces (eth1.20) are generated from network.vlans`;
  return undefined;
}

export const checkDriveId: Check<string> = (v) =>
  DRIVE_ID.test(v)
    ? undefined
    : `${shown(v)} is not a stable drive id: use its /dev/disk/by-id/... path (see \`ls -l /dev/disk/by-id\`), not /dev/sdX`;

/** Smallest supernet: one /24 per VLAN is carved from it, so it holds at least one (capacity is a plan rule). */
export const MAX_SUPERNET_PREFIX = 24;

/** What is wrong with a supernet, as a rule finding needs it; undefined when it is fine. */
export function supernetProblem(v: string): { code: string; message: string; hint: string } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(v);
  if (!m || !isValidIp(m[1]!) || Number(m[2]) > 32) {
    return {
      code: 'net/supernet-invalid',
      message: `${shown(v)} is not an IPv4 range in CIDR notation`,
      hint: 'write it like 10.20.0.0/16',
    };
  }
  const prefix = Number(m[2]);
  const net = parseCidr(v);
  if (!net) {
    const size = 2 ** (32 - prefix);
    const n = ipToInt(m[1]!);
    return {
      code: 'net/supernet-invalid',
      message: `${shown(v)} is not a network address (host bits set)`,
      hint: `did you mean ${formatNet({ base: n - (n % size), prefix, size })}?`,
    };
  }
  if (!isPrivate(net)) {
    return {
      code: 'net/supernet-public',
      message: `${shown(v)} is not a private range`,
      hint: 'use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
    };
  }
  if (prefix > MAX_SUPERNET_PREFIX) {
    return {
      code: 'net/supernet-small',
      message: `${shown(v)} is too small: every VLAN gets a /24 carved from it`,
      hint: `use /${MAX_SUPERNET_PREFIX} or larger (one /24 per VLAN); a /16 is typical`,
    };
  }
  return undefined;
}

/** A private IPv4 network, written as its network address, big enough to carve the VLANs from. */
export const checkSupernet: Check<string> = (v) => {
  const p = supernetProblem(v);
  return p ? `${p.message}: ${p.hint}` : undefined;
};

/** The key blob is length-prefixed fields: the type again, then the key material, consumed exactly. */
function wellFormedBlob(blob: Buffer, type: string): boolean {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return false;
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return false;
    fields.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (fields.length < 2 || fields[0]!.toString('latin1') !== type) return false;
  return type !== 'ssh-ed25519' || (fields.length === 2 && fields[1]!.length === 32);
}

/** An OpenSSH public key line; the key type is also checked inside the base64 blob, which catches cut pastes. */
export const checkSshKey: Check<string> = (v) => {
  const hint = 'paste one line of ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA... comment), or leave it empty';
  // One entry is one line of authorized_keys: a newline would smuggle a second, unseen key in.
  const control = controlChar(v.replace(/\n$/, ''), true);
  if (control) return `the key contains ${control}: one entry is one key on one line; ${hint}`;
  const m = SSH_KEY.exec(v.trim());
  if (!m) return `not an OpenSSH public key: ${hint}`;
  if (!wellFormedBlob(Buffer.from(m[2]!, 'base64'), m[1]!)) {
    return `the ${m[1]} key looks cut or corrupted (its base64 data does not hold a whole ${m[1]} key): ${hint}`;
  }
  return undefined;
};

/** Which ZFS layouts a number of pool drives can build, with the minimum each needs. */
export const LAYOUT_MIN_DRIVES = { single: 1, stripe: 1, mirror: 2, raidz1: 3, raidz2: 4 } as const;

/** Whether a node's pool drives can make a layout; `node` names the node in the message (init: the primary). */
export function checkLayoutDrives(
  layout: keyof typeof LAYOUT_MIN_DRIVES,
  drives: number,
  node = 'the primary',
): string | undefined {
  if (layout === 'single' && drives !== 1) {
    return `layout single takes exactly 1 pool drive, ${node} has ${drives}: choose mirror, raidz1 or stripe`;
  }
  const min = LAYOUT_MIN_DRIVES[layout];
  if (drives < min) return `layout ${layout} needs at least ${min} pool drives, ${node} has ${drives}`;
  if (layout === 'mirror' && drives % 2 !== 0) {
    return `layout mirror pairs drives, ${node} has ${drives}: add or remove one, or choose raidz1`;
  }
  return undefined;
}

/** A dotted-quad IPv4 address, each part 0-255 without leading zeros (some tools read 010 as octal 8). */
export const checkIpv4: Check<string> = (v) => {
  const parts = v.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p)))
    return `${shown(v)} is not an IPv4 address: write four numbers 0-255 separated by dots, e.g. 10.20.10.5`;
  const zero = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (zero)
    return `${shown(v)} has a leading zero in "${zero}", which some tools read as octal: write ${parts.map(Number).join('.')}`;
  const big = parts.find((p) => Number(p) > 255);
  if (big) return `${shown(v)} has the part ${big}, over 255: each part of an IPv4 address is 0-255`;
  return undefined;
};

/** A unicast MAC a NIC can have: not all zero, not broadcast, not multicast (lowest bit of the first octet). */
export const checkMac: Check<string> = (v) => {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(v))
    return `${shown(v)} is not a MAC address: write six lowercase hex pairs separated by colons, e.g. bc:24:11:00:00:01`;
  if (v === '00:00:00:00:00:00')
    return `${shown(v)} is the all-zero MAC, which no NIC has: copy the NIC's own MAC (\`ip link\`)`;
  if (v === 'ff:ff:ff:ff:ff:ff')
    return `${shown(v)} is the broadcast MAC, which no NIC has: copy the NIC's own MAC (\`ip link\`)`;
  if (Number.parseInt(v.slice(0, 2), 16) & 1)
    return `${shown(v)} is a multicast MAC (the first octet is odd), which no NIC has: copy the NIC's own MAC (\`ip link\`)`;
  return undefined;
};

/** IANA zone names: the tz database's spelling, each part starting with a capital (Europe/Berlin, Etc/GMT+5, UTC). */
const ZONE_SYNTAX = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*){0,2}$/;

/**
 * An IANA time zone that hosts can set (timedatectl reads /usr/share/zoneinfo/<zone>, case-sensitive): a name
 * Node's ICU knows (its canonical list, UTC, Etc/*, or a backward-compatible alias such as US/Eastern), spelled
 * as the tz database spells it. Node 20's Intl.supportedValuesOf('timeZone') lists canonical names only.
 */
export const checkTimezone: Check<string> = (v) => {
  const allowed =
    'use an IANA time zone such as Europe/Berlin, America/New_York or UTC (see `timedatectl list-timezones`)';
  const known = Intl.supportedValuesOf('timeZone');
  if (known.includes(v) || v === 'UTC') return undefined;
  const sameButCase = known.find((z) => z.toLowerCase() === v.toLowerCase());
  if (sameButCase)
    return `${shown(v)} is spelled ${sameButCase} in the tz database (names are case-sensitive)`;
  let icu = false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    icu = true;
  } catch {
    icu = false;
  }
  if (icu && ZONE_SYNTAX.test(v)) return undefined;
  return `${shown(v)} is not a time zone: ${allowed}`;
};

/** Names `zpool create` refuses, and prefixes it reserves (vdev types, and c0... from Solaris device names). */
const ZFS_RESERVED = ['mirror', 'raidz', 'draid', 'spare', 'log', 'cache', 'special', 'dedup'];

/** A ZFS pool name: starts with a letter; letters, digits, _ . : -; no /, no space; not a vdev keyword. */
export const checkPoolName: Check<string> = (v) => {
  const allowed =
    'start with a letter, then letters, digits, _, ., : or - (no / or spaces), at most 64 characters, e.g. tank';
  if (v.length === 0 || v.length > 64 || !/^[A-Za-z][A-Za-z0-9_.:-]*$/.test(v))
    return `${shown(v)} is not a ZFS pool name: ${allowed}`;
  const lower = v.toLowerCase();
  const reserved = ZFS_RESERVED.find((r) =>
    ['log', 'cache', 'special', 'dedup'].includes(r) ? lower === r : lower.startsWith(r),
  );
  if (reserved)
    return `${shown(v)} is reserved by ZFS (${['log', 'cache', 'special', 'dedup'].includes(reserved) ? `"${reserved}" is a vdev type` : `names starting with "${reserved}" are vdev types`}): ${allowed}`;
  if (/^c[0-9]/.test(v))
    return `${shown(v)} looks like a Solaris device name (c0...), which ZFS reserves: ${allowed}`;
  return undefined;
};

/**
 * A watchdog's relay host (smart plug, PiKVM): an IPv4 address, or a host name that becomes a host of the site,
 * so named like every other host. Nothing else: the name reaches shell scripts and URLs on the Pi.
 */
export const checkRelayHost: Check<string> = (v) => {
  if (/^[\d.]+$/.test(v)) return checkIpv4(v);
  if (DNS_NAME.test(v)) return undefined;
  return `${shown(v)} is not a host name or IPv4 address: use a name such as plug-pve1 (2-32 lowercase letters, digits and -, starting with a letter; it becomes <name>.<domain>) or an address such as 10.20.10.80`;
};

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const MATRIX_ROOM = /^[!#][^\s:]+:[A-Za-z0-9.-]+(:\d+)?$/;

/** An e-mail address such as you@example.com. */
export const checkEmail: Check<string> = (v) =>
  EMAIL.test(v) ? undefined : `${shown(v)} is not an e-mail address: write it like you@example.com`;

/** A mail relay as host:port (a DNS name or IPv4 address, then the port). */
export const checkSmarthost: Check<string> = (v) => {
  const m = /^([^\s:]+):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    return `${shown(v)} is not host:port: write it like smtp.example.com:587 (587 STARTTLS, 465 TLS, 25 plain)`;
  const host = m[1]!;
  if (/^[\d.]+$/.test(host)) return checkIpv4(host);
  return host.includes('.') ? checkDomain(host) : checkDnsName(host);
};

/** An http(s) URL with a host and no whitespace or control characters; `example` is the hint's model. */
function httpUrl(v: string, example: string): string | undefined {
  const bad = `${shown(v)} is not an http(s) URL: write it like ${example}`;
  if (controlChar(v) || /\s/.test(v)) return `${bad} (it contains whitespace or a control character)`;
  try {
    const url = new URL(v);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return bad;
    if (url.username || url.password)
      return `${shown(v)} carries a user or password: put credentials in secrets/, not in beelab.yaml`;
  } catch {
    return bad;
  }
  return undefined;
}

/** An http(s) URL with a host and no whitespace or control characters. */
export const checkHttpUrl: Check<string> = (v) => httpUrl(v, 'https://ntfy.sh/my-lab-alerts');

/** The web address of the repository's files on a forge: paths are appended to it, so no query or fragment. */
export const checkRepoFilesUrl: Check<string> = (v) => {
  const example = 'https://git.example.com/ops/rack/src/branch/main/';
  if (v.length > 2000)
    return `${shown(v)} is ${v.length} characters; a forge address has at most 2000: write it like ${example}`;
  const bad = httpUrl(v, example);
  if (bad) return bad;
  const url = new URL(v);
  if (url.search || url.hash || v.includes('?') || v.includes('#'))
    return `${shown(v)} has a query or fragment: runbook paths are appended to it, so end it at the branch, like ${example}`;
  return undefined;
};

export type AlertKind = 'email' | 'ntfy' | 'webhook' | 'matrix';

/** An alert channel's target as its type reads it: an address, an http(s) URL, or a Matrix room. */
export function checkAlertTarget(type: AlertKind, target: string): string | undefined {
  if (type === 'ntfy' || type === 'webhook') return checkHttpUrl(target);
  const control = controlChar(target);
  if (control) return `${shown(target)} contains ${control}: a ${type} target is one line`;
  if (type === 'email') return checkEmail(target);
  if (type === 'matrix' && !MATRIX_ROOM.test(target))
    return `${shown(target)} is not a Matrix room: write it like !abc123:matrix.org or #lab:matrix.org`;
  return undefined;
}

/** The VLAN names the firewall policy uses for its own zones (a copy kept equal to the policy's by a test). */
export const RESERVED_VLAN_NAMES = ['wan', 'firewall', 'internet', 'any', 'tailnet', 'self'] as const;

const WEEKDAY = '(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?';
const WEEKDAYS = new RegExp(`^${WEEKDAY}(?:\\.\\.${WEEKDAY})?(?:,${WEEKDAY}(?:\\.\\.${WEEKDAY})?)*$`, 'i');
const CALENDAR_SHORTHANDS = new Set([
  'minutely',
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'yearly',
  'annually',
  'quarterly',
  'semiannually',
]);

/**
 * The shape of a systemd calendar event (systemd.time(7)), which Proxmox VE and PBS schedules also accept:
 * a shorthand (`daily`), or `[weekdays] [date] [time] [timezone]` like `mon..fri 22:00` or `*-*-1 04:00 UTC`.
 * Words that are none of these are refused here, located; `beelab check` has systemd-analyze parse the rest.
 */
export const checkCalendar: Check<string> = (v) => {
  const bad = (why: string) =>
    `${shown(v)} is not a systemd calendar event (${why}): write it like "*-*-* 02:00" (daily at 02:00), "sat 03:30" or "mon..fri 22:00"`;
  const tokens = v.trim().split(/\s+/);
  if (tokens.length === 1 && CALENDAR_SHORTHANDS.has(tokens[0]!.toLowerCase())) return undefined;
  let i = WEEKDAYS.test(tokens[0]!) ? 1 : 0;
  const date = /^[\d*][\d*,./~]*-[\d*][\d*,./~]*(?:-[\d*][\d*,./~]*)?$/;
  const time = /^[\d*][\d*,./]*:[\d*][\d*,./]*(?::[\d*][\d*,./]*)?$/;
  if (tokens[i] && date.test(tokens[i]!)) i++;
  if (tokens[i] && time.test(tokens[i]!)) i++;
  if (i === 0) return bad(`"${tokens[0]}" is no weekday, date or time`);
  // A timezone last: UTC or an IANA name such as Europe/Berlin.
  if (tokens[i] && /^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+)$/.test(tokens[i]!)) i++;
  if (i < tokens.length) return bad(`"${tokens[i]}" is no weekday, date, time or timezone here`);
  return undefined;
};
