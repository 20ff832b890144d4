// The AI steps: one per Mac (its setup folder over SSH, then bootstrap), verified by each server's health URL on
// the Mac; the gateway last with every key's secret, verified by a completion with the smoke-test key. The
// scripts pass shellcheck.
import { afterAll, describe, expect, it } from 'vitest';
import { checkWith, removeSites, where } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { graphProblems } from '../../apply/graph.ts';
import { shellcheck } from '../../check/validators/shellcheck.ts';
import { aiLayer } from './index.ts';
import { BACKEND_HEALTH, BACKEND_PORTS } from './site.ts';

afterAll(removeSites);

const site = exampleSite('reference');
const files = aiLayer.render!(site, { layouts: [] });
const steps = aiLayer.steps!(site, files);

describe('AI steps', () => {
  it('sets up every Mac, then the runner of each agent after its Mac, then the gateway after every Mac', () => {
    const agents = site.ai.nodes.filter((n) => n.role === 'agent').map((n) => n.host);
    expect(agents.length).toBeGreaterThan(0);
    expect(steps.map((s) => s.id)).toEqual([
      ...site.ai.nodes.map((n) => `ai/mac/${n.host}`),
      ...agents.map((h) => `ai/runner/${h}`),
      'ai/gateway',
    ]);
    for (const host of agents) {
      const r = steps.find((s) => s.id === `ai/runner/${host}`)!;
      expect(r.after).toEqual([`ai/mac/${host}`]);
      expect(r.secrets).toEqual(['forgejo-runner-token']);
      expect(r.run.kind === 'shell' && r.run.script).toContain('< "$BEELAB_SECRET_FORGEJO_RUNNER_TOKEN"');
      // Its labels are the config's runner.labels (runners.test.ts checks the flags against the runner's CLI).
      expect(r.run.kind === 'shell' && r.run.script).toContain(`--name ${host}`);
      expect(r.inputs).toContain(`ai/macs/${host}/forgejo-runner/com.beelab.forgejo-runner.plist`);
    }
    const gateway = steps.at(-1)!;
    expect(gateway.after).toEqual(site.ai.nodes.map((n) => `ai/mac/${n.host}`));
    expect(gateway.hosts).toEqual([site.ai.gatewayHost]);
    expect(gateway.secrets).toEqual(site.ai.keys.map((k) => `gateway-key-${k.name}`));
    expect(gateway.verify?.kind === 'shell' && gateway.verify.script).toContain(
      '"$BEELAB_SECRET_GATEWAY_KEY_SMOKE_TEST"',
    );
    for (const s of steps.filter((x) => x.id.startsWith('ai/mac/'))) {
      const host = s.hosts[0]!;
      expect(s.inputs).toContain(`ai/macs/${host}/bootstrap.sh`);
      expect(s.run.kind === 'shell' && s.run.script).toContain(`./beelab-ai/bootstrap.sh`);
      const node = site.ai.nodes.find((n) => n.host === host)!;
      for (const b of node.backends)
        expect(s.verify?.kind === 'shell' && s.verify.script).toContain(
          `:${BACKEND_PORTS[b]}${BACKEND_HEALTH[b]}`,
        );
    }
    const hosts = new Set(site.hosts.map((h) => h.name));
    expect(graphProblems(steps, hosts)).toEqual([]);
  });

  it('runs and verifies with scripts that shellcheck passes', async (ctx) => {
    requireTool(ctx, 'shellcheck', 'apt-get install shellcheck');
    const scripts: Record<string, string> = {};
    for (const s of steps) {
      const name = s.id.replace(/\//g, '_');
      if (s.run.kind === 'shell') scripts[`${name}.run.sh`] = `#!/bin/bash\n${s.run.script}\n`;
      if (s.verify?.kind === 'shell') scripts[`${name}.verify.sh`] = `#!/bin/bash\n${s.verify.script}\n`;
    }
    expect(Object.keys(scripts)).toHaveLength(steps.length * 2);
    const r = await checkWith(shellcheck, scripts);
    // Only the operator's SSH options are split into words on purpose (as every layer's SSH steps do).
    const rest = r.diagnostics.filter((d) => {
      const { file, line, col } = d.location ?? {};
      const text = scripts[file!]?.split('\n')[line! - 1]?.slice(col! - 1) ?? '';
      return !(d.code === 'shellcheck/SC2086' && text.startsWith(`\${BEELAB_SSH_OPTS:-}`));
    });
    expect(rest.map((d) => `${d.location?.file}:${d.location?.line} ${d.code} ${d.message}`)).toEqual([]);
    expect(where(r).length).toBeGreaterThan(0);
  });
});
