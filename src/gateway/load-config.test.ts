// Config loading: the example parses; bad input is reported with file:line:col, key path and a fix.
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { loadGatewayConfig, parseGatewayConfig } from './load-config.ts';

const base = `backends:
  - name: a
    kind: ollama
    url: http://127.0.0.1:11434
auth:
  required: false
`;

function problems(text: string): string {
  try {
    parseGatewayConfig(text, 'gw.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return [(err as UserError).message, ...(err as UserError).details].join('\n');
  }
  throw new Error('expected the config to be refused');
}

describe('gateway config', () => {
  it('parses the shipped example with defaults filled in', async () => {
    const c = await loadGatewayConfig('examples/gateway.yaml');
    expect(c.backends.map((b) => b.kind)).toEqual(['mlx', 'ollama', 'llamacpp']);
    expect(c.backends[1]!.apiBase).toBe('/v1');
    expect(c.auth.keys[1]!.budget).toEqual({ tokens: 5_000_000, period: 'month' });
  });

  it('fills defaults for a minimal config', () => {
    const c = parseGatewayConfig(base, 'gw.yaml');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(c.routing.strategy).toBe('least-outstanding');
    expect(c.timeouts.idleMs).toBe(60_000);
    // Safe by default: /status and /metrics on a separate loopback listener, bodies nest at most 128 deep.
    expect(c.admin).toEqual({ listen: { host: '127.0.0.1', port: 4001 }, keys: [] });
    expect(c.limits).toMatchObject({ maxJsonDepth: 128, maxHeaderBytes: 16_384, maxUrlBytes: 8192 });
  });

  it.each([
    [
      'bad kind',
      base.replace('kind: ollama', 'kind: olama'),
      'gw.yaml:3:11: backends[0].kind: not an allowed value (got "olama"); use one of',
    ],
    [
      'url with /v1',
      base.replace('11434', '11434/v1'),
      'gw.yaml:4:10: backends[0].url: give the server root without /v1',
    ],
    ['not a url', base.replace('http://127.0.0.1:11434', 'localhost'), 'must be an http:// or https:// URL'],
    [
      'unknown key',
      `${base}listen: { hots: x }\n`,
      'gw.yaml:7:11: listen.hots: unknown key "hots"; did you mean "host"?',
    ],
    [
      'bad hash',
      `${base.replace('required: false', 'keys: [{ name: k, hash: abc }]')}`,
      'produce it with `beelab gateway hash-key`',
    ],
    ['no keys', base.replace('  required: false\n', '  keys: []\n'), 'auth.keys: no API keys listed'],
    [
      'duplicate names',
      `${base.replace('auth:', '  - { name: a, kind: vllm, url: "http://127.0.0.1:8000" }\nauth:')}`,
      'duplicate backend name "a"',
    ],
    ['missing backends', 'auth: { required: false }\n', 'backends'],
    [
      'bad strategy',
      `${base}routing: { strategy: fastest }\n`,
      'gw.yaml:7:22: routing.strategy: not an allowed value (got "fastest"); use one of "least-outstanding", "weighted", "latency"',
    ],
    [
      'negative timeout',
      `${base}timeouts: { idleMs: -5 }\n`,
      'idleMs must be a whole number of milliseconds',
    ],
    ['yaml syntax', 'backends: [\n', 'gw.yaml:1:11: this [ is never closed'],
    [
      'admin on the API port without admin keys',
      `${base}admin:\n  listen: main\n`,
      'gw.yaml:8:3: admin.keys: with admin.listen: main, /status and /metrics need admin keys',
    ],
    [
      'admin listener on the API port',
      `${base}listen: { port: 4000 }\nadmin: { listen: { port: 4000 } }\n`,
      'gw.yaml:8:26: admin.listen.port: the admin listener needs its own port',
    ],
    [
      'a bad admin listen value',
      `${base}admin: { listen: everywhere }\n`,
      'gw.yaml:7:18: admin.listen: admin.listen must be "main" or { host, port } (got "everywhere")',
    ],
    [
      'json depth out of range',
      `${base}limits: { maxJsonDepth: 0 }\n`,
      'gw.yaml:7:25: limits.maxJsonDepth: maxJsonDepth must be an integer >= 1 (got 0)',
    ],
  ])('refuses %s', (_name, text, fragment) => {
    expect(problems(text)).toContain(fragment);
  });

  it('reports every problem at once', () => {
    const text = base.replace('kind: ollama', 'kind: nope').replace('http://127.0.0.1:11434', 'x');
    expect(problems(text)).toMatch(/2 problems in the gateway config/);
  });

  it('says how to start when the file is missing', async () => {
    await expect(loadGatewayConfig('/nonexistent/gw.yaml')).rejects.toThrow(
      /cannot read \/nonexistent\/gw.yaml \(no such file\)/,
    );
  });
});

describe('hashFile', () => {
  it('reads the hash from a file beside the config; a missing or malformed file is located', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { hashKey } = await import('./api-keys.ts');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-gw-hashfile-'));
    try {
      const cfg = base.replace(
        '  required: false\n',
        '  keys:\n    - { name: ci, hashFile: keys/ci.sha256 }\n    - { name: ops, hashFile: ops.sha256 }\n',
      );
      writeFileSync(join(dir, 'gw.yaml'), cfg);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'keys'));
      writeFileSync(join(dir, 'keys/ci.sha256'), `${hashKey('sk-ci')}\n`);
      writeFileSync(join(dir, 'ops.sha256'), 'sha256:nothex\n');
      const err = await loadGatewayConfig(join(dir, 'gw.yaml')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).details.join('\n')).toMatch(
        /gw\.yaml:8:30: auth\.keys\[1\]\.hashFile: the file does not hold "sha256:"/,
      );
      writeFileSync(join(dir, 'ops.sha256'), hashKey('sk-ops'));
      const c = await loadGatewayConfig(join(dir, 'gw.yaml'));
      expect(c.auth.keys.map((k) => k.hash)).toEqual([hashKey('sk-ci'), hashKey('sk-ops')]);
      rmSync(join(dir, 'keys/ci.sha256'));
      const gone = await loadGatewayConfig(join(dir, 'gw.yaml')).catch((e: unknown) => e);
      expect((gone as UserError).details.join('\n')).toContain(
        'auth.keys[0].hashFile: cannot read the key hash (no such file)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs exactly one of hash and hashFile', () => {
    expect(problems(base.replace('  required: false\n', '  keys: [{ name: k }]\n'))).toContain(
      'give the key a hash (or a hashFile holding it)',
    );
    expect(
      problems(
        base.replace(
          '  required: false\n',
          `  keys: [{ name: k, hash: "sha256:${'a'.repeat(64)}", hashFile: k.sha256 }]\n`,
        ),
      ),
    ).toContain('give either hash or hashFile, not both');
  });
});
