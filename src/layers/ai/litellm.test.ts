// ai.gateway: litellm, the one-line swap made real: the reference build with that one line added renders LiteLLM's
// config.yaml, the head's bootstrap installs LiteLLM's proxy from the pinned, verified source distribution, its
// LaunchDaemon (plistlib and `beelab check`'s plist validator read it) runs a launcher that takes the master key from
// the file apply writes from the secrets, and the ai/gateway step installs and loads it, then checks LiteLLM's
// readiness probe and one completion with the master key. Scripts pass shellcheck; the launcher runs under bash.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, makeSite, removeSites, where } from '../../../test/support/check-site.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { graphProblems } from '../../apply/graph.ts';
import { plistValidator } from '../../check/validators/plist.ts';
import { shellcheck } from '../../check/validators/shellcheck.ts';
import { parseSiteSpec } from '../../project/spec.ts';
import { siteSecrets } from '../../secrets/catalog.ts';
import { resolveSite } from '../index.ts';
import { aiHeadDown } from '../observability/runbooks/services.ts';
import { LITELLM_CONFIG_PATH } from './gateway-config.ts';
import { aiLayer } from './index.ts';
import { LITELLM_LABEL } from './macs.ts';

afterAll(removeSites);

const REFERENCE = readFileSync(new URL('../../../examples/reference/beelab.yaml', import.meta.url), 'utf8');
/** The swap: one line under `ai:`. */
const yaml = REFERENCE.replace(
  'ai:\n  gatewayPort: 4000\n',
  'ai:\n  gatewayPort: 4000\n  gateway: litellm\n',
);
const parsed = parseSiteSpec(yaml);
const site = resolveSite(parsed.spec!).site;
const tree = aiLayer.render!(site, { layouts: [] });
const text = (path: string) => {
  const f = tree.get(path);
  expect(f, path).toBeDefined();
  return f!.content as string;
};
const steps = aiLayer.steps!(site, tree);
const HEAD = 'ai-head';
const dir = `ai/macs/${HEAD}`;
const plistPath = `${dir}/litellm/${LITELLM_LABEL}.plist`;
const launcherPath = `${dir}/litellm/run-litellm.sh`;
const venv = `/usr/local/opt/beelab/litellm/${site.versions.litellm}`;

describe('ai.gateway: litellm', () => {
  it('is one line: the spec stays valid, and LiteLLM takes the gateway’s place on the head', () => {
    expect(yaml).not.toBe(REFERENCE);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(site.ai.gateway).toBe('litellm');
    expect(tree.has(LITELLM_CONFIG_PATH)).toBe(true);
    expect(tree.has('ai/gateway/gateway.yaml')).toBe(false);
    expect(tree.has(`${dir}/launchd/com.beelab.gateway.plist`)).toBe(false);
    expect(tree.has(plistPath)).toBe(true);
    expect(tree.get(launcherPath)?.mode).toBe(0o755);
    // Only the head: no other Mac runs the gateway.
    expect(
      tree
        .entries()
        .map(([p]) => p)
        .filter((p) => p.includes('litellm'))
        .sort(),
    ).toEqual([LITELLM_CONFIG_PATH, launcherPath, plistPath].sort());
    // The head's Brewfile brings uv (LiteLLM's environment), not node (Beelab's gateway).
    const brew = text(`${dir}/Brewfile`);
    expect(brew).toMatch(/^brew "uv"$/m);
    expect(brew).not.toMatch(/^brew "node"$/m);
    // The service LiteLLM is: probed at its readiness endpoint, no admin listener of Beelab's gateway.
    const gw = site.services.find((s) => s.name === 'ai-gateway')!;
    expect(gw.health).toMatchObject({ path: '/health/readiness' });
    expect(site.services.some((s) => s.name === 'ai-gateway-admin')).toBe(false);
    // The secrets say which key LiteLLM knows: the operators key is its master key.
    const secrets = siteSecrets(site);
    expect(secrets.find((x) => x.name === 'gateway-key-operators')?.usedBy).toContain("LiteLLM's master key");
    expect(secrets.find((x) => x.name === 'gateway-key-smoke-test')?.usedBy).toContain(
      'not known to LiteLLM',
    );
    // The runbook of a dead head names the URL that answers.
    expect(JSON.stringify(aiHeadDown(site))).toContain(`:${site.ai.gatewayPort}/health/readiness`);
    expect(JSON.stringify(aiHeadDown(site))).not.toContain('/readyz');
  });

  it('config.yaml names the master key by its environment variable, never by value', () => {
    const config = parse(text(LITELLM_CONFIG_PATH));
    expect(config.general_settings).toEqual({ master_key: 'os.environ/LITELLM_MASTER_KEY' });
    expect(config.model_list.length).toBeGreaterThan(0);
  });

  it('the bootstrap installs LiteLLM from the pinned source distribution, verified, into the service account’s venv', () => {
    const sh = text(`${dir}/bootstrap.sh`);
    const sdist = `litellm-${site.versions.litellm}.tar.gz`;
    expect(site.versions.checksums.litellm).toMatch(/^[0-9a-f]{64}$/);
    expect(sh).toContain(
      `fetch_verified "https://files.pythonhosted.org/packages/source/l/litellm/${sdist}" \\\n    ${site.versions.checksums.litellm} "$tmp/${sdist}"`,
    );
    expect(sh).toContain(`uv venv --python 3.12 "${venv}"`);
    expect(sh).toContain(`VIRTUAL_ENV="${venv}" uv pip install "litellm[proxy] @ file://$tmp/${sdist}"`);
    expect(sh).toContain(`chown -R _beelab "${venv}"`);
    expect(sh).toContain('install -m 0755 litellm/run-litellm.sh /usr/local/libexec/beelab/run-litellm.sh');
    // Verified before anything is installed from it.
    expect(
      sh.indexOf(`fetch_verified "https://files.pythonhosted.org/packages/source/l/litellm/`),
    ).toBeLessThan(sh.indexOf('uv pip install "litellm[proxy]'));
    // Not in the bootstrap's launchd loop: apply loads it once the config and key are there.
    expect(/^labels=\((.+)\)$/m.exec(sh)![1]).not.toContain(LITELLM_LABEL);
    // Other Macs install no LiteLLM.
    for (const n of site.ai.nodes.filter((x) => x.host !== HEAD))
      expect(text(`ai/macs/${n.host}/bootstrap.sh`)).not.toContain('litellm');
  });

  it('its LaunchDaemon is a property list plistlib and beelab check read, with LiteLLM’s flags and no key', async (ctx) => {
    requireTool(ctx, 'python3', 'apt-get install python3');
    const xml = text(plistPath);
    const p = JSON.parse(
      execFileSync(
        'python3',
        ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'],
        {
          input: xml,
        },
      ).toString(),
    );
    expect(p.Label).toBe(LITELLM_LABEL);
    expect(p.ProgramArguments).toEqual([
      '/bin/bash',
      '/usr/local/libexec/beelab/run-litellm.sh',
      '--config',
      '/usr/local/etc/beelab-litellm/config.yaml',
      '--host',
      '0.0.0.0',
      '--port',
      String(site.ai.gatewayPort),
      '--num_workers',
      '1',
    ]);
    expect(p.UserName).toBe('_beelab');
    expect(p.RunAtLoad).toBe(true);
    expect(p.KeepAlive).toBe(true);
    expect(Object.keys(p.EnvironmentVariables).sort()).toEqual(['HOME', 'LITELLM_LOCAL_MODEL_COST_MAP']);
    expect(xml).not.toMatch(/MASTER_KEY|sk-/);
    // The validator `beelab check` runs on every *.plist of the site: clean for this one.
    const r = await checkWith(plistValidator, { [plistPath]: xml });
    expect([r.status, r.files]).toEqual(['passed', 1]);
    expect(where(r)).toEqual([]);
  });

  it('passes LiteLLM only flags its proxy CLI declares (test/reference/litellm, from proxy_cli.py)', (ctx) => {
    requireTool(ctx, 'python3', 'apt-get install python3');
    const declared = new Set(
      readFileSync(new URL('../../../test/reference/litellm/proxy-cli-options.txt', import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('--'))
        .map((l) => l.split(' ')[0]!),
    );
    expect(declared.size).toBeGreaterThan(40);
    const args: string[] = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())["ProgramArguments"]))',
        ],
        {
          input: text(plistPath),
        },
      ).toString(),
    );
    // After the launcher, what it hands to litellm unchanged ("$@").
    const flags = (a: string[]) => a.slice(2).filter((x) => x.startsWith('--'));
    const unknown = (a: string[]) => flags(a).filter((f) => !declared.has(f));
    expect(flags(args)).toEqual(['--config', '--host', '--port', '--num_workers']);
    expect(unknown(args)).toEqual([]);
    // The check bites: a flag spelt as another server spells it is not LiteLLM's.
    expect(unknown([...args, '--workers', '1'])).toEqual(['--workers']);
  });

  it('the launcher exports the master key from its file and runs LiteLLM with the plist’s arguments; no file, no start', (ctx) => {
    requireTool(ctx, 'bash', 'apt-get install bash');
    const root = makeSite({ 'etc/master-key': 'sk-from-the-secret\n' });
    // The launcher as rendered, its two absolute paths moved under a temp dir; LiteLLM itself cannot be installed
    // here (no PyPI), so its place is taken by a script that prints what it was started with.
    const fake = `${root}/venv/bin/litellm`;
    makeSiteFile(fake, '#!/bin/bash\nprintf "%s\\n" "key=$LITELLM_MASTER_KEY" "$@"\n');
    const launcher = text(launcherPath)
      .replace('/usr/local/etc/beelab-litellm/master-key', `${root}/etc/master-key`)
      .replace(`${venv}/bin/litellm`, fake);
    expect(launcher).not.toContain('/usr/local/');
    const run = (args: string[]) =>
      spawnSync('bash', ['-c', launcher, 'run-litellm.sh', ...args], { encoding: 'utf8' });
    const ok = run(['--config', 'c.yaml', '--port', '4000']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('key=sk-from-the-secret\n--config\nc.yaml\n--port\n4000\n');
    const missing = spawnSync(
      'bash',
      ['-c', launcher.replace(`${root}/etc/master-key`, `${root}/etc/none`)],
      {
        encoding: 'utf8',
      },
    );
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('beelab apply --only ai/gateway installs it');
  });

  it('the ai/gateway step installs config and key, loads LiteLLM after every Mac, checks readiness and a completion', () => {
    const ids = steps.map((s) => s.id);
    expect(ids.at(-1)).toBe('ai/gateway');
    expect(ids.filter((i) => i === 'ai/gateway')).toHaveLength(1);
    const gw = steps.at(-1)!;
    expect(gw.after).toEqual(site.ai.nodes.map((n) => `ai/mac/${n.host}`));
    expect(gw.hosts).toEqual([HEAD]);
    // The master key is the admins' key; no other gateway key is handed to this step.
    expect(gw.secrets).toEqual(['gateway-key-operators']);
    expect(gw.inputs).toEqual([LITELLM_CONFIG_PATH, plistPath, launcherPath]);
    const run = gw.run.kind === 'shell' ? gw.run.script : '';
    expect(run).toContain('cp "$BEELAB_SECRET_GATEWAY_KEY_OPERATORS" "$work/master-key"');
    expect(run).toContain(
      'install -m 0600 -o _beelab "$tmp/master-key" /usr/local/etc/beelab-litellm/master-key',
    );
    expect(run).toContain(
      'install -m 0600 -o _beelab "$tmp/config.yaml" /usr/local/etc/beelab-litellm/config.yaml',
    );
    expect(run).toContain(`launchctl bootstrap system /Library/LaunchDaemons/${LITELLM_LABEL}.plist`);
    expect(run).not.toContain('beelab gateway bundle');
    const verify = gw.verify?.kind === 'shell' ? gw.verify.script : '';
    const head = site.hosts.find((h) => h.name === HEAD)!.address;
    expect(verify).toContain(`http://${head}:${site.ai.gatewayPort}/health/readiness`);
    expect(verify).toContain('key=$(cat "$BEELAB_SECRET_GATEWAY_KEY_OPERATORS")');
    expect(verify).toContain(`http://${head}:${site.ai.gatewayPort}/v1/chat/completions`);
    expect(graphProblems(steps, new Set(site.hosts.map((h) => h.name)))).toEqual([]);
  });

  it('writes the bootstrap, the launcher and the steps’ scripts so that shellcheck passes them', async (ctx) => {
    requireTool(ctx, 'shellcheck', 'apt-get install shellcheck');
    const scripts: Record<string, string> = {
      'bootstrap.sh': text(`${dir}/bootstrap.sh`),
      'run-litellm.sh': text(launcherPath),
    };
    const gw = steps.at(-1)!;
    if (gw.run.kind === 'shell') scripts['gateway.run.sh'] = `#!/bin/bash\n${gw.run.script}\n`;
    if (gw.verify?.kind === 'shell') scripts['gateway.verify.sh'] = `#!/bin/bash\n${gw.verify.script}\n`;
    expect(Object.keys(scripts)).toHaveLength(4);
    const r = await checkWith(shellcheck, scripts);
    // Only the operator's SSH options are split into words on purpose (as every layer's SSH steps do).
    const rest = r.diagnostics.filter((d) => {
      const { file, line, col } = d.location ?? {};
      const t = scripts[file!]?.split('\n')[line! - 1]?.slice(col! - 1) ?? '';
      return !(d.code === 'shellcheck/SC2086' && t.startsWith(`\${BEELAB_SSH_OPTS:-}`));
    });
    expect(rest.map((d) => `${d.location?.file}:${d.location?.line} ${d.code} ${d.message}`)).toEqual([]);
  });
});

function makeSiteFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode: 0o755 });
}
