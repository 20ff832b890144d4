// What changed between two Sites, in the words a reviewer wants in a commit message: `bump immich v2.3.1 →
// v2.4.0 (digest 1a2b3c4d5e6f)`, `pin k3s v1.34.3+k3s1`, `allow devops → ai tcp 4000 (gateway)`.
import { parseImageRef, type ScalarVersion, VERSION_SOURCES, type Versions } from '../catalog/versions.ts';
import { firewallScope, imageScope, SCALAR_SCOPES, serviceScope } from '../layers/devops/scopes.ts';
import { networkModel } from '../layers/network/model.ts';
import type { AddressSet, PolicyRule } from '../layers/network/policy/types.ts';
import type { Site } from '../site/types.ts';

/** One change of the Site, told once; it goes into the commit of every scope it names or shows up in. */
export interface SiteChange {
  /** Short, for a subject line: `allow devops → ai tcp 4000 (gateway)`. */
  text: string;
  /** Longer, for the body, when there is more to say (the addresses a rule names). */
  detail?: string;
  /** Scopes the change belongs to whatever the files say (the firewall's for a rule). */
  scopes: string[];
  /** Words that, in an added line of a changed file, tie the change to that file's commit too. */
  needles: string[];
}

const DIGEST_SHOWN = 12;

/** `sha256:1a2b…` → `1a2b3c4d5e6f`, as short as a reviewer compares it. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, DIGEST_SHOWN);
}

function imageChanges(a: Site, b: Site): SiteChange[] {
  const out: SiteChange[] = [];
  const keys = [...new Set([...Object.keys(a.versions.images), ...Object.keys(b.versions.images)])].sort();
  for (const key of keys) {
    const was = a.versions.images[key];
    const now = b.versions.images[key];
    if (was === now || !now) continue;
    const scopes = [imageScope(b, key)];
    const next = parseImageRef(now);
    const prev = was ? parseImageRef(was) : undefined;
    if (!next) continue;
    const needles = [next.tag, shortDigest(next.digest)];
    const digest = `(digest ${shortDigest(next.digest)})`;
    if (!prev) out.push({ text: `pin ${key} ${next.tag} ${digest}`, scopes, needles });
    else if (prev.tag === next.tag) out.push({ text: `bump ${key} ${next.tag} ${digest}`, scopes, needles });
    else out.push({ text: `bump ${key} ${prev.tag} → ${next.tag} ${digest}`, scopes, needles });
  }
  return out;
}

function serviceChanges(a: Site, b: Site, imageFacts: SiteChange[]): SiteChange[] {
  const out: SiteChange[] = [];
  const before = new Map(a.services.map((s) => [s.name, s]));
  const after = new Map(b.services.map((s) => [s.name, s]));
  for (const s of b.services) {
    const old = before.get(s.name);
    if (!old) {
      out.push({
        text: `add ${s.name}${s.version ? ` ${s.version}` : ''}${s.fqdn ? ` (${s.fqdn})` : ''}`,
        scopes: [serviceScope(s)],
        needles: [s.name, s.description],
      });
      continue;
    }
    if (old.version === s.version || !s.version) continue;
    // The catalog's image of the service already tells this bump, with its digest.
    if (imageFacts.some((f) => f.text.startsWith(`bump ${s.name} `) || f.text.startsWith(`pin ${s.name} `)))
      continue;
    const ref = parseImageRef(b.versions.images[s.name] ?? s.image ?? '');
    const digest = ref && ref.tag === s.version ? ` (digest ${shortDigest(ref.digest)})` : '';
    out.push({
      text: `bump ${s.name} ${old.version ?? '?'} → ${s.version}${digest}`,
      scopes: [serviceScope(s)],
      needles: [s.version, ...(ref ? [shortDigest(ref.digest)] : [])],
    });
  }
  for (const s of a.services)
    if (!after.has(s.name))
      out.push({
        text: `remove ${s.name}${s.fqdn ? ` (${s.fqdn})` : ''}`,
        scopes: [serviceScope(s)],
        // Its DNS entry carries its description, not its name.
        needles: [s.name, s.description],
      });
  return out;
}

function versionChanges(a: Versions, b: Versions): SiteChange[] {
  const out: SiteChange[] = [];
  for (const key of Object.keys(VERSION_SOURCES) as ScalarVersion[]) {
    if (a[key] === b[key]) continue;
    const name = VERSION_SOURCES[key].key;
    out.push({ text: `pin ${name} ${b[key]}`, scopes: [SCALAR_SCOPES[key]], needles: [b[key]] });
  }
  for (const [name, v] of Object.entries(b.collections)) {
    if (a.collections[name] === v) continue;
    out.push({ text: `pin ${name} ${v}`, scopes: ['ansible'], needles: [v] });
  }
  for (const [os, img] of Object.entries(b.cloudImages)) {
    const was = a.cloudImages[os as keyof Versions['cloudImages']];
    if (was?.url === img.url && was.checksum === img.checksum) continue;
    const file = img.url.split('/').at(-1) ?? img.url;
    out.push({ text: `pin ${os} cloud image ${file}`, scopes: ['ansible'], needles: [file] });
  }
  return out;
}

/** A rule as docs/network-policy.md words it: `allow devops → ai tcp 4000 (gateway)`. */
export function ruleWords(rule: PolicyRule, sets?: ReadonlyMap<string, AddressSet>): string {
  const verb = rule.action === 'pass' ? 'allow' : 'block';
  const side = (zone: string, set?: string) => {
    if (!set) return zone;
    const members = sets?.get(set)?.addresses;
    return members && members.length <= 3 ? `${zone} (${members.join(', ')})` : zone;
  };
  const proto =
    rule.protocol === 'icmp'
      ? `icmp ${rule.icmpType ?? ''}`.trim()
      : `${rule.protocol}${rule.ports.length ? ` ${rule.ports.join(', ')}` : ''}`;
  return `${verb} ${side(rule.from, rule.fromAddrs)} → ${side(rule.to, rule.toAddrs)} ${proto}${rule.log ? ' logged' : ''} (${rule.why})`;
}

/** What identifies a rule across two policies: everything it matches and does, by addresses rather than set names. */
function ruleKey(rule: PolicyRule, sets: ReadonlyMap<string, AddressSet>): string {
  const addrs = (s?: string) => (s ? (sets.get(s)?.addresses.join(',') ?? s) : '*');
  return [
    rule.from,
    addrs(rule.fromAddrs),
    rule.to,
    addrs(rule.toAddrs),
    rule.protocol,
    rule.ports.join(','),
    rule.icmpType ?? '',
    rule.action,
    rule.log,
  ].join('|');
}

function policyChanges(a: Site, b: Site): SiteChange[] {
  const pa = networkModel(a).policy;
  const pb = networkModel(b).policy;
  const sa = new Map(pa.sets.map((s) => [s.name, s]));
  const sb = new Map(pb.sets.map((s) => [s.name, s]));
  const keysA = new Set(pa.rules.map((r) => ruleKey(r, sa)));
  const keysB = new Set(pb.rules.map((r) => ruleKey(r, sb)));
  const scopes = [firewallScope(b.firewall.platform)];
  const out: SiteChange[] = [];
  const told = (text: string, detail: string) => (detail === text ? { text } : { text, detail });
  for (const r of pb.rules)
    if (!keysA.has(ruleKey(r, sb)))
      out.push({ ...told(ruleWords(r), ruleWords(r, sb)), scopes, needles: [r.why] });
  for (const r of pa.rules)
    if (!keysB.has(ruleKey(r, sa)))
      out.push({
        ...told(`no longer ${ruleWords(r)}`, `no longer ${ruleWords(r, sa)}`),
        scopes,
        needles: [r.why],
      });
  return out;
}

function hostChanges(a: Site, b: Site): SiteChange[] {
  const before = new Map(a.hosts.map((h) => [h.name, h]));
  const after = new Set(b.hosts.map((h) => h.name));
  const out: SiteChange[] = [];
  for (const h of b.hosts) {
    const old = before.get(h.name);
    if (!old) out.push({ text: `add host ${h.name} ${h.address}`, scopes: [], needles: [h.name] });
    else if (old.address !== h.address)
      out.push({ text: `move ${h.name} ${old.address} → ${h.address}`, scopes: [], needles: [h.address] });
  }
  for (const h of a.hosts)
    if (!after.has(h.name)) out.push({ text: `remove host ${h.name}`, scopes: [], needles: [h.name] });
  return out;
}

/** Every change from `a` to `b`, in a stable order: versions, services, hosts, then firewall rules. */
export function siteChanges(a: Site, b: Site): SiteChange[] {
  const images = imageChanges(a, b);
  return [
    ...images,
    ...serviceChanges(a, b, images),
    ...versionChanges(a.versions, b.versions),
    ...hostChanges(a, b),
    ...policyChanges(a, b),
  ];
}
