// The Macs' setup: every plist is read back by Python's plistlib (the property-list reader that follows Apple's
// format) and carries what launchd needs; the scripts pass shellcheck; the servers are the catalog's versions,
// bound to the address the gateway reaches.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, makeSite, removeSites, where } from '../../../test/support/check-site.ts';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { requireTool } from '../../../test/support/tools.ts';
import { shellcheck } from '../../check/validators/shellcheck.ts';
import { toPlist } from '../../tree/serialize/index.ts';
import { aiLayer } from './index.ts';
import { renderMacs } from './macs.ts';
import { RUNNER_LABEL, RUNNER_USER } from './runners.ts';
import { BACKEND_PORTS } from './site.ts';

afterAll(removeSites);

const site = exampleSite('reference');
const files = new Map(
  aiLayer.render!(site, { layouts: [] })
    .entries()
    .map(([p, f]) => [p, f] as const),
);

/** Reads plists with plistlib in one run; throws with Python's message when one is not a property list. */
function readPlists(xmls: string[]): Record<string, unknown>[] {
  const out = execFileSync(
    'python3',
    [
      '-c',
      'import json,plistlib,sys; print(json.dumps([plistlib.loads(x.encode()) for x in json.load(sys.stdin)]))',
    ],
    { input: JSON.stringify(xmls), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  return JSON.parse(out.toString()) as Record<string, unknown>[];
}

const addressOf = (host: string) => site.hosts.find((h) => h.name === host)!.address;

describe('Mac setup (ai/macs/<host>/)', () => {
  it('renders a Brewfile, a bootstrap script and a plist per managed model server for every AI node', () => {
    for (const node of site.ai.nodes) {
      const dir = `ai/macs/${node.host}`;
      expect(files.get(`${dir}/Brewfile`)?.content).toContain('brew "tailscale"');
      expect(files.get(`${dir}/bootstrap.sh`)?.mode).toBe(0o755);
      for (const kind of node.backends.filter((b) => ['ollama', 'llamacpp', 'mlx'].includes(b)))
        expect(files.has(`${dir}/launchd/com.beelab.${kind}.plist`), `${dir} ${kind}`).toBe(true);
    }
    // MLX comes from a uv environment; the head runs the gateway on Node.
    expect(files.get('ai/macs/ai-head/Brewfile')!.content).toMatch(/^brew "uv"$/m);
    expect(files.get('ai/macs/ai-head/Brewfile')!.content).toMatch(/^brew "node"$/m);
    expect(files.get('ai/macs/ai-2/Brewfile')!.content).not.toMatch(/brew "(uv|node)"/);
  });

  it('writes plists that plistlib reads, with the keys launchd needs, at the pinned versions and the bound address', (ctx) => {
    requireTool(ctx, 'python3', 'apt-get install python3');
    const plists = [...files].filter(([p]) => p.endsWith('.plist'));
    expect(plists.length).toBeGreaterThanOrEqual(5);
    const parsed = readPlists(plists.map(([, f]) => f.content as string));
    const read = (path: string) => parsed[plists.findIndex(([p]) => p === path)]!;
    for (const [path] of plists) {
      const p = read(path);
      const label = path.replace(/^.*\//, '').replace(/\.plist$/, '');
      expect(p.Label, path).toBe(label);
      expect(p.ProgramArguments, path).toEqual(expect.arrayContaining([expect.stringMatching(/^\//)]));
      expect(p.RunAtLoad, path).toBe(true);
      expect(p.KeepAlive, path).toBeTruthy();
      expect(p.StandardOutPath, path).toMatch(/^\/usr\/local\/var\/log\/beelab\/.+\.log$/);
      expect(p.StandardErrorPath, path).toBe(p.StandardOutPath);
      // The runner's jobs run as an account of their own; every server as _beelab.
      expect(p.UserName, path).toBe(label === RUNNER_LABEL ? RUNNER_USER : '_beelab');
    }
    const head = addressOf('ai-head');
    const ollama = read('ai/macs/ai-head/launchd/com.beelab.ollama.plist');
    expect(ollama.ProgramArguments).toEqual([
      `/usr/local/opt/beelab/ollama/${site.versions.ollama}/ollama`,
      'serve',
    ]);
    expect(ollama.EnvironmentVariables).toMatchObject({
      OLLAMA_HOST: `${head}:${BACKEND_PORTS.ollama}`,
      OLLAMA_KEEP_ALIVE: '24h',
    });
    const mlx = read('ai/macs/ai-head/launchd/com.beelab.mlx.plist');
    expect(mlx.ProgramArguments).toEqual([
      `/usr/local/opt/beelab/mlx-lm/${site.versions.mlxLm}/bin/mlx_lm.server`,
      '--host',
      head,
      '--port',
      String(BACKEND_PORTS.mlx),
    ]);
    // ai-2 pulls its models once Ollama answers; the pull job retries until it succeeds.
    const pull = read('ai/macs/ai-2/launchd/com.beelab.ollama-pull.plist');
    expect(pull.KeepAlive).toEqual({ SuccessfulExit: false });
    const pullScript = files.get('ai/macs/ai-2/pull-models.sh')!.content as string;
    for (const m of site.ai.nodes.find((n) => n.host === 'ai-2')!.models)
      expect(pullScript).toContain(`pull ${m}`);
    // The gateway's LaunchDaemon on the head runs the bundle with the installed gateway.yaml.
    const gw = read('ai/macs/ai-head/launchd/com.beelab.gateway.plist');
    expect(gw.ProgramArguments).toEqual(
      expect.arrayContaining(['--config', '/usr/local/etc/beelab-gateway/gateway.yaml']),
    );
    expect(files.has('ai/macs/ai-2/launchd/com.beelab.gateway.plist')).toBe(false);
  });

  it('bootstraps with pmset for a server, the pinned release archives and every plist it renders', () => {
    const sh = files.get('ai/macs/ai-head/bootstrap.sh')!.content as string;
    expect(sh).toMatch(/^pmset -a sleep 0 .*autorestart 1$/m);
    const sums = site.versions.checksums;
    // Each download with the sha256 of versions.yaml next to it, verified before it is unpacked or installed.
    expect(sh).toContain(
      `"https://github.com/ollama/ollama/releases/download/${site.versions.ollama}/ollama-darwin.tgz" \\\n  ${sums.ollama}`,
    );
    expect(sh).toContain(
      `/mlx-lm/mlx_lm-${site.versions.mlxLm}-py3-none-any.whl" \\\n    ${sums.mlxLm} "$tmp/mlx_lm-${site.versions.mlxLm}-py3-none-any.whl"`,
    );
    expect(sh).toContain(`uv pip install "$tmp/mlx_lm-${site.versions.mlxLm}-py3-none-any.whl"`);
    const all = [...files].filter(([p]) => p.endsWith('/bootstrap.sh')).map(([, f]) => f.content as string);
    expect(all.join('\n')).toContain(
      `/llama.cpp/releases/download/${site.versions.llamaCpp}/llama-${site.versions.llamaCpp}-bin-macos-arm64.tar.gz" \\\n  ${sums.llamaCpp}`,
    );
    const loop = /^labels=\((.+)\)$/m.exec(sh)![1]!.split(' ');
    const rendered = [...files.keys()]
      .filter((p) => p.startsWith('ai/macs/ai-head/launchd/'))
      .map((p) => p.replace(/^.*\//, '').replace(/\.plist$/, ''));
    expect(loop.sort()).toEqual(rendered.sort());
  });

  it('installs a download only when it matches its sha256 (the bootstrap function itself, run by bash)', (ctx) => {
    requireTool(ctx, 'shasum', 'apt-get install perl');
    requireTool(ctx, 'curl', 'apt-get install curl');
    const sh = files.get('ai/macs/ai-head/bootstrap.sh')!.content as string;
    const fn = /^fetch_verified\(\) \{\n[\s\S]*?\n\}$/m.exec(sh)![0];
    const dir = makeSite({ 'release/ollama-darwin.tgz': 'the release archive\n' });
    const good = createHash('sha256').update('the release archive\n').digest('hex');
    const run = (sha: string) =>
      spawnSync(
        'bash',
        [
          '-c',
          `set -euo pipefail\n${fn}\nfetch_verified "$1" "$2" "$3"\necho installed`,
          'bash',
          `file://${dir}/release/ollama-darwin.tgz`,
          sha,
          `${dir}/archive`,
        ],
        { encoding: 'utf8' },
      );
    const ok = run(good);
    expect(ok.stdout).toBe('installed\n');
    expect(readFileSync(`${dir}/archive`, 'utf8')).toBe('the release archive\n');
    const bad = run('0'.repeat(64));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      `does not match its sha256 in versions.yaml (${'0'.repeat(64)}); nothing was installed`,
    );
    expect(existsSync(`${dir}/archive`)).toBe(false);
  });

  it('gives each agent Mac a Forgejo runner: built from the verified source, its config, its LaunchDaemon', () => {
    const agents = site.ai.nodes.filter((n) => n.role === 'agent');
    expect(agents.length).toBeGreaterThan(0);
    for (const node of site.ai.nodes) {
      const dir = `ai/macs/${node.host}`;
      const sh = files.get(`${dir}/bootstrap.sh`)!.content as string;
      const agent = node.role === 'agent';
      expect(files.has(`${dir}/forgejo-runner/config.yaml`), node.host).toBe(agent);
      expect(sh.includes('forgejo-runner'), node.host).toBe(agent);
      if (!agent) continue;
      expect(sh).toContain(
        `fetch_verified "https://code.forgejo.org/forgejo/runner/archive/${site.versions.forgejoRunner}.tar.gz" \\\n    ${site.versions.checksums.forgejoRunner} "$tmp/runner.tar.gz"`,
      );
      expect(sh).toContain(`sysadminctl -addUser ${RUNNER_USER} `);
      expect(files.get(`${dir}/Brewfile`)!.content).toContain('brew "go"');
      const config = parse(files.get(`${dir}/forgejo-runner/config.yaml`)!.content as string);
      expect(config.runner).toMatchObject({
        file: '/usr/local/var/beelab-runner/.runner',
        capacity: 1,
        labels: ['macos-arm64:host', 'macos:host', `${node.host}:host`],
      });
      // Not in the bootstrap's launchd loop: apply loads it once the runner is registered.
      expect(/^labels=\((.+)\)$/m.exec(sh)![1]).not.toContain(RUNNER_LABEL);
    }
  });

  it('writes scripts that shellcheck passes', async (ctx) => {
    requireTool(ctx, 'shellcheck', 'apt-get install shellcheck');
    const scripts = Object.fromEntries(
      [...files].filter(([p]) => p.endsWith('.sh')).map(([p, f]) => [p, f.content as string]),
    );
    // With a tailnet the daemons bind the Mac's tailnet address, read at bootstrap.
    const tailnet = renderMacs({ ...site, ai: { ...site.ai, tailnet: 'tail1234.ts.net' } });
    const head = tailnet.get('ai/macs/ai-head/bootstrap.sh')!;
    expect(head).toContain('bind=$(tailscale ip -4 | head -n 1)');
    scripts['tailnet/bootstrap.sh'] = head;
    expect(Object.keys(scripts).length).toBeGreaterThanOrEqual(site.ai.nodes.length + 1);
    const r = await checkWith(shellcheck, scripts);
    expect(where(r)).toEqual([]);
  });

  it('toPlist escapes text and keeps integers, booleans, arrays and nested dicts', (ctx) => {
    requireTool(ctx, 'python3', 'apt-get install python3');
    const value = { Label: 'a&b <c>', N: 3, T: true, F: false, A: ['x', 1], D: { E: {} }, Empty: [] };
    expect(readPlists([toPlist(value, { header: 'note -- here' })])).toEqual([value]);
    expect(() => toPlist({ x: 1.5 })).toThrow(/only integers/);
  });
});
