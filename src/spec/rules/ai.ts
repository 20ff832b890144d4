// Spec rules of the AI mesh's tailnet: every tag a client selector names has an owner, the subnet router exists.
import { closest } from '../../kernel/suggest.ts';
import { ADMINS_GROUP, AI_TAGS } from '../tailnet-tags.ts';
import { writtenHosts } from './hosts-of.ts';
import type { Finding, RuleContext } from './rule.ts';

/** Beelab's own tags; the user's come from ai.tailscale.tagOwners. */
const OWN_TAGS: readonly string[] = Object.values(AI_TAGS);

export function tailscaleRules({ spec, plan }: RuleContext): Finding[] {
  const out: Finding[] = [];
  const ts = spec.ai?.tailscale;
  if (!ts || (spec.ai?.nodes ?? []).length === 0) return out;
  const owners = ts.tagOwners ?? {};
  const admins = ts.admins ?? (spec.site.admin?.email ? [spec.site.admin.email] : []);
  (ts.clients ?? []).forEach((c, i) => {
    if (c.startsWith('tag:') && !OWN_TAGS.includes(c) && !(owners[c]?.length ?? 0)) {
      out.push({
        code: 'ai/tag-without-owner',
        path: ['ai', 'tailscale', 'clients', i],
        message: `ai.tailscale.clients[${i}] "${c}" is a tag nobody owns: no device could ever carry it`,
        hint: `add it under ai.tailscale.tagOwners, e.g. "${c}": [group:admins]`,
      });
    }
    if (c.startsWith('group:') && c !== ADMINS_GROUP)
      out.push(unknownGroup(['ai', 'tailscale', 'clients', i], c));
  });
  for (const [tag, list] of Object.entries(owners)) {
    if (list.length === 0)
      out.push({
        code: 'ai/tag-without-owner',
        path: ['ai', 'tailscale', 'tagOwners', tag],
        message: `ai.tailscale.tagOwners "${tag}" lists no owner: no device could ever carry it`,
        hint: 'list who may assign it, e.g. [group:admins]',
      });
    if (OWN_TAGS.includes(tag))
      out.push({
        code: 'ai/own-tag',
        path: ['ai', 'tailscale', 'tagOwners', tag],
        atKey: true,
        message: `ai.tailscale.tagOwners "${tag}" is one of Beelab's own tags (owned by group:admins)`,
        hint: 'use another name for your own tag',
      });
    list.forEach((o, i) => {
      if (o.startsWith('group:') && o !== ADMINS_GROUP)
        out.push(unknownGroup(['ai', 'tailscale', 'tagOwners', tag, i], o));
    });
  }
  const usesAdmins = [...(ts.clients ?? []), ...Object.values(owners).flat()].includes(ADMINS_GROUP);
  if (usesAdmins && admins.length === 0)
    out.push({
      code: 'ai/no-admins',
      path: ['ai', 'tailscale'],
      message:
        'group:admins is used but has no members: neither ai.tailscale.admins nor site.admin.email is set',
      hint: 'add ai.tailscale.admins: [you@example.com]',
    });
  const router = ts.subnetRouter;
  if (router) {
    const hosts = plan?.hostNames ?? writtenHosts(spec).map((h) => h.name);
    if (!hosts.includes(router.host)) {
      const guess = closest(router.host, hosts);
      out.push({
        code: 'ai/unknown-router',
        path: ['ai', 'tailscale', 'subnetRouter', 'host'],
        message: `ai.tailscale.subnetRouter.host "${router.host}" is not a host of this site`,
        hint: guess ? `did you mean \`${guess}\`?` : 'name an AI node or a Linux host',
      });
    }
    const vlans = (spec.network?.vlans ?? []).map((v) => v.name);
    router.vlans.forEach((v, i) => {
      if (!vlans.includes(v)) {
        const guess = closest(v, vlans);
        out.push({
          code: 'ai/unknown-vlan',
          path: ['ai', 'tailscale', 'subnetRouter', 'vlans', i],
          message: `ai.tailscale.subnetRouter.vlans[${i}] "${v}" is not a VLAN of this site`,
          hint: guess ? `did you mean \`${guess}\`?` : `VLANs: ${vlans.join(', ')}`,
        });
      }
    });
  }
  return out;
}

function unknownGroup(path: Finding['path'], group: string): Finding {
  return {
    code: 'ai/unknown-group',
    path,
    message: `"${group}" is not a group of the tailnet policy: Beelab defines only group:admins`,
    hint: 'name group:admins, a tag or a login',
  };
}
