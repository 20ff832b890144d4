// ai/tailscale/policy.hujson: the tailnet policy file (groups, tagOwners, grants, ssh, autoApprovers, tests).
import type { Site } from '../../site/types.ts';
import { toHujson } from '../../tree/serialize/hujson.ts';
import { ADMINS_GROUP, type Tailnet, type TailnetFlow, tailnetModel } from './tailnet.ts';
import { allows, type Identity, type TailnetPolicy, type Target } from './tailscale-eval.ts';

export const POLICY_PATH = 'ai/tailscale/policy.hujson';

type Grant = NonNullable<TailnetPolicy['grants']>[number];
type PolicyTest = NonNullable<TailnetPolicy['tests']>[number];

/** Grants from the flows: per (sources, destination) its ports, then destinations with the same ports joined. */
function grantsOf(flows: TailnetFlow[]): { grant: Grant; comment: string }[] {
  const byPair = new Map<string, { src: string[]; dst: string; caps: Set<string>; services: Set<string> }>();
  for (const f of flows) {
    const key = `${f.src.join(',')}>${f.dst}`;
    const g = byPair.get(key) ?? { src: f.src, dst: f.dst, caps: new Set(), services: new Set() };
    for (const p of f.ports) g.caps.add(`${f.protocol}:${p}`);
    g.services.add(`${f.service}: ${f.why}`);
    byPair.set(key, g);
  }
  const merged = new Map<string, { grant: Grant; services: Set<string> }>();
  for (const g of byPair.values()) {
    const ip = [...g.caps].sort(capOrder);
    const key = `${g.src.join(',')}>${ip.join(',')}`;
    const m = merged.get(key) ?? { grant: { src: g.src, dst: [], ip }, services: new Set<string>() };
    m.grant.dst.push(g.dst);
    for (const s of g.services) m.services.add(s);
    merged.set(key, m);
  }
  return [...merged.values()].map((m) => ({ grant: m.grant, comment: [...m.services].join('; ') }));
}

function capOrder(a: string, b: string): number {
  const [pa, na] = a.split(':');
  const [pb, nb] = b.split(':');
  return pa === pb ? Number(na) - Number(nb) : pa! < pb! ? -1 : 1;
}

/** Who the generated tests speak for: every tag of the mesh and every client a test can name. */
function testSources(t: Tailnet): string[] {
  const out = new Set<string>();
  for (const m of t.members) for (const tag of m.tags) out.add(tag);
  for (const c of t.flows.flatMap((f) => f.src)) {
    if (c.startsWith('tag:') || c.includes('@')) out.add(c);
    else if ((c === 'autogroup:member' || c === ADMINS_GROUP) && t.admins[0]) out.add(t.admins[0]);
  }
  return [...out];
}

/**
 * Tailscale's own policy tests, from the flows: per source, every destination and port it must reach
 * (accept) and every other port of interest on every destination of the tailnet (deny).
 */
export function policyTests(t: Tailnet, groups: Record<string, string[]>): PolicyTest[] {
  const exact: TailnetPolicy = {
    groups,
    grants: t.flows.map((f) => ({ src: f.src, dst: [f.dst], ip: f.ports.map((p) => `${f.protocol}:${p}`) })),
  };
  const dsts = [...new Set([...t.members.flatMap((m) => m.tags), ...t.routed.map((r) => r.alias)])];
  const protos = [...new Set(t.flows.map((f) => f.protocol))].sort();
  const out: PolicyTest[] = [];
  for (const src of testSources(t)) {
    const who: Identity = src.startsWith('tag:') ? { tags: [src] } : { user: src };
    for (const proto of protos) {
      const ports = [...new Set(t.flows.filter((f) => f.protocol === proto).flatMap((f) => f.ports))].sort(
        (a, b) => a - b,
      );
      const accept: string[] = [];
      const deny: string[] = [];
      for (const d of dsts) {
        const to: Target = d.startsWith('tag:') ? { tags: [d] } : { alias: d };
        for (const p of ports) (allows(exact, who, to, proto, p) ? accept : deny).push(`${d}:${p}`);
      }
      out.push({ src, proto, ...(accept.length ? { accept } : {}), ...(deny.length ? { deny } : {}) });
    }
  }
  return out;
}

/** The policy as data (what the HuJSON text holds, without its comments). */
export function tailnetPolicy(site: Site): {
  policy: TailnetPolicy & Record<string, unknown>;
  comments: string[];
  tailnet: Tailnet;
} {
  const t = tailnetModel(site);
  const groups: Record<string, string[]> = t.admins.length > 0 ? { [ADMINS_GROUP]: t.admins } : {};
  const grants = grantsOf(t.flows);
  const hosts = Object.fromEntries(t.routed.map((r) => [r.alias, `${r.address}/32`]));
  const routes = Object.fromEntries(
    t.members.flatMap((m) => m.routes.map((c) => [c, m.tags.filter((x) => x === 'tag:subnet-router')])),
  );
  const sshDst = [...new Set(t.flows.filter((f) => f.id.startsWith('admin-ssh@')).map((f) => f.dst))];
  const policy: TailnetPolicy & Record<string, unknown> = {
    ...(Object.keys(groups).length ? { groups } : {}),
    tagOwners: t.tagOwners,
    ...(Object.keys(hosts).length ? { hosts } : {}),
    grants: grants.map((g) => g.grant),
    ...(sshDst.length
      ? {
          ssh: [{ action: 'accept', src: [ADMINS_GROUP], dst: sshDst, users: ['autogroup:nonroot', 'root'] }],
        }
      : {}),
    ...(Object.keys(routes).length ? { autoApprovers: { routes } } : {}),
    tests: policyTests(t, groups),
  };
  return { policy, comments: grants.map((g) => g.comment), tailnet: t };
}

const SECTION_NOTES: Record<string, string> = {
  groups: 'The admins (ai.tailscale.admins, else site.admin.email): they own the tags and SSH to the Macs.',
  tagOwners:
    'Who may give a device each tag; `tailscale up --advertise-tags` on each host (ai/tailscale/README.md).',
  hosts: 'Hosts behind the subnet routes that tailnet clients reach.',
  grants: 'Exactly the flows of the site that cross the tailnet; everything else is denied.',
  ssh: 'Tailscale SSH for the admins.',
  autoApprovers: 'The subnet routes the router advertises are approved without a click.',
  tests: 'Checked by Tailscale on every save: each source reaches exactly what the flows say.',
};

/** The HuJSON text: a comment per section and per grant (the services it carries). */
export function renderPolicy(site: Site): string {
  const { policy, comments } = tailnetPolicy(site);
  const notes: Record<string, string> = {};
  for (const key of Object.keys(policy)) if (SECTION_NOTES[key]) notes[`/${key}`] = SECTION_NOTES[key];
  comments.forEach((c, i) => {
    notes[`/grants/${i}`] = c;
  });
  return toHujson(policy, {
    header: `Tailnet policy of the ${site.name} AI mesh, generated by Beelab from beelab.yaml (docs/ai.md).\nPaste it into the Tailscale admin console (Access controls) or push it with the GitOps action.`,
    comments: notes,
  });
}
