// Field checks of beelab.yaml, one function per kind of value: the schema, the spec rules and init's prompts and
// answers files all call these, so a value is judged the same way wherever it is typed.
import { formatNet, ipToInt, isPrivate, isValidIp, parseCidr } from '../net/ipam.ts';

/** An error message for the user, or undefined when the value is fine. */
export type Check<T> = (value: T) => string | undefined;

const DNS_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const DOMAIN = /^([a-z0-9-]+\.)+[a-z]{2,}$/;
const DRIVE_ID = /^\/dev\/disk\/by-id\/[A-Za-z0-9][A-Za-z0-9._:+@-]*$/;
const NIC = /^[a-zA-Z][a-zA-Z0-9._-]{0,14}$/;
const SSH_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,3})(?: .*)?$/;

export const checkDnsName: Check<string> = (v) =>
  DNS_NAME.test(v)
    ? undefined
    : `"${v}" is not a DNS-safe name: use 2-32 lowercase letters, digits and -, starting with a letter`;

export const checkDomain: Check<string> = (v) =>
  DOMAIN.test(v)
    ? undefined
    : `"${v}" is not a domain: use lowercase labels separated by dots, e.g. lab.example.com`;

export const checkNic: Check<string> = (v) =>
  NIC.test(v) ? undefined : `"${v}" is not a network interface name such as enp2s0 or eno1 (see \`ip link\`)`;

export const checkDriveId: Check<string> = (v) =>
  DRIVE_ID.test(v)
    ? undefined
    : `"${v}" is not a stable drive id: use its /dev/disk/by-id/... path (see \`ls -l /dev/disk/by-id\`), not /dev/sdX`;

/** Smallest supernet: one /24 per VLAN is carved from it, so it holds at least one (capacity is a plan rule). */
export const MAX_SUPERNET_PREFIX = 24;

/** What is wrong with a supernet, as a rule finding needs it; undefined when it is fine. */
export function supernetProblem(v: string): { code: string; message: string; hint: string } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(v);
  if (!m || !isValidIp(m[1]!) || Number(m[2]) > 32) {
    return {
      code: 'net/supernet-invalid',
      message: `"${v}" is not an IPv4 range in CIDR notation`,
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
      message: `"${v}" is not a network address (host bits set)`,
      hint: `did you mean ${formatNet({ base: n - (n % size), prefix, size })}?`,
    };
  }
  if (!isPrivate(net)) {
    return {
      code: 'net/supernet-public',
      message: `"${v}" is not a private range`,
      hint: 'use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
    };
  }
  if (prefix > MAX_SUPERNET_PREFIX) {
    return {
      code: 'net/supernet-small',
      message: `"${v}" is too small: every VLAN gets a /24 carved from it`,
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
  const m = SSH_KEY.exec(v.trim());
  const hint = 'paste one line of ~/.ssh/id_ed25519.pub (ssh-ed25519 AAAA... comment), or leave it empty';
  if (!m) return `not an OpenSSH public key: ${hint}`;
  if (!wellFormedBlob(Buffer.from(m[2]!, 'base64'), m[1]!)) {
    return `the ${m[1]} key looks cut or corrupted (its base64 data does not hold a whole ${m[1]} key): ${hint}`;
  }
  return undefined;
};

/** Which ZFS layouts a number of pool drives can build, with the minimum each needs. */
export const LAYOUT_MIN_DRIVES = { single: 1, stripe: 1, mirror: 2, raidz1: 3, raidz2: 4 } as const;

export function checkLayoutDrives(
  layout: keyof typeof LAYOUT_MIN_DRIVES,
  drives: number,
): string | undefined {
  if (layout === 'single' && drives !== 1) {
    return `layout single takes exactly 1 pool drive, the primary has ${drives}: choose mirror, raidz1 or stripe`;
  }
  const min = LAYOUT_MIN_DRIVES[layout];
  if (drives < min) return `layout ${layout} needs at least ${min} pool drives, the primary has ${drives}`;
  if (layout === 'mirror' && drives % 2 !== 0) {
    return `layout mirror pairs drives, the primary has ${drives}: add or remove one, or choose raidz1`;
  }
  return undefined;
}
