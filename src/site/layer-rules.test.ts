// A contribution's own spec rules (SiteContribution.rules) run with the resolved Site and are located in
// beelab.yaml like every spec rule.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../kernel/diagnostic.ts';
import { siteContributions } from '../layers/index.ts';
import { parseSpec } from '../spec/parse.ts';
import type { SiteContribution } from './contribution.ts';
import { planRuleOptions } from './plan-rules.ts';

const YAML = `version: 1
tier: single
site:
  name: demo
  domain: lab.example.com
backup:
  schedule: "*-*-* 02:00"
`;

describe('SiteContribution.rules', () => {
  it('judges the resolved Site and points at the path it names', () => {
    const probe: SiteContribution = {
      rules: (ctx, site) => [
        {
          code: 'probe/vms',
          path: ['backup', 'schedule'],
          message: `${site.hosts.filter((h) => h.vm).length} VMs, schedule ${ctx.spec.backup?.schedule}`,
        },
      ],
    };
    const { diagnostics } = parseSpec(YAML, 'beelab.yaml', planRuleOptions([...siteContributions, probe]));
    const found = diagnostics.filter((d) => d.code === 'probe/vms').map(formatDiagnostic);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^error \[probe\/vms\] \d+ VMs, schedule \*-\*-\* 02:00; at beelab.yaml:7:13$/);
  });
});
