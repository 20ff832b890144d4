// Field checks that need a sibling value (an alert target is judged by its type) or that the user's own lists
// (devices) need beside their schema's pattern: the same checks as everywhere else (spec/fields.ts), located.
import { checkAlertTarget, checkIpv4, checkMac } from '../fields.ts';
import type { Finding, RuleContext } from './rule.ts';

export function fieldRules({ raw }: RuleContext): Finding[] {
  const out: Finding[] = [];
  (raw.observability?.alerts ?? []).forEach((a, i) => {
    if (typeof a?.target !== 'string' || typeof a.type !== 'string') return;
    const problem = checkAlertTarget(a.type, a.target);
    if (problem) {
      out.push({
        code: 'alerts/target',
        path: ['observability', 'alerts', i, 'target'],
        message: `observability.alerts[${i}].target: ${problem}`,
        hint: 'email: an address; ntfy and webhook: an http(s) URL; matrix: a room such as !abc:matrix.org',
      });
    }
  });
  (raw.devices ?? []).forEach((d, i) => {
    // The schema's pattern rejected the malformed ones already; these are well-formed but unusable.
    if (typeof d?.mac === 'string' && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(d.mac)) {
      const problem = checkMac(d.mac);
      if (problem)
        out.push({ code: 'net/mac', path: ['devices', i, 'mac'], message: `devices[${i}].mac ${problem}` });
    }
    if (typeof d?.address === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(d.address)) {
      const problem = checkIpv4(d.address);
      if (problem)
        out.push({
          code: 'net/address',
          path: ['devices', i, 'address'],
          message: `devices[${i}].address ${problem}`,
        });
    }
  });
  return out;
}
