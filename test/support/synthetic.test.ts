// syntheticSpec(n): valid at every size, with roles and subnets that scale with n.

import { describe, expect, it } from 'vitest';
import { resolveSite as resolve } from '../../src/layers/index.ts';
import { parseSiteSpec as parseSpec } from '../../src/project/spec.ts';
import type { HostRole } from '../../src/site/types.ts';
import { toYaml } from '../../src/tree/serialize/index.ts';
import { syntheticSpec } from './synthetic.ts';

describe('syntheticSpec', () => {
  for (const n of [1, 2, 4, 50, 200, 1000]) {
    it(`is a valid spec with ${n} physical nodes`, () => {
      const spec = syntheticSpec(n);
      const errors = parseSpec(toYaml(spec)).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.message)).toEqual([]);
      expect(spec.nodes).toHaveLength(n);
      const { site } = resolve(spec);
      expect(site.hosts.filter((h) => h.kind === 'physical')).toHaveLength(n);
      expect(new Set(site.hosts.map((h) => h.address)).size).toBe(site.hosts.length);
    });
  }

  it('scales the other roles with n', () => {
    const { site } = resolve(syntheticSpec(200));
    const count = (role: HostRole) => site.hosts.filter((h) => h.roles.includes(role)).length;
    expect(count('pbs')).toBe(10);
    expect(count('talos_worker')).toBe(50);
    expect(count('k3s_agent')).toBe(25);
    expect(count('ai')).toBe(20);
    expect(count('watchdog')).toBe(10);
    expect(site.vlans.find((v) => v.name === 'mgmt')!.prefix).toBeLessThan(24);
  });

  it('is deterministic', () => {
    expect(toYaml(syntheticSpec(60))).toBe(toYaml(syntheticSpec(60)));
  });
});
