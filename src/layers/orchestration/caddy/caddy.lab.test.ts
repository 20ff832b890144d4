// The reverse proxy for real (root): the compact build's lab with its compose host (apps) as a lab machine;
// Caddy runs the generated Caddyfile in that machine's network namespace, with stand-in upstreams at the apps'
// published address and ports. From the management VLAN, through the lab firewall, every app answers by name
// over TLS, the chain checked against the root Caddy exports; from a VLAN the policy does not admit, nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS, MACHINE_TOOLS } from '../../../../test/support/tools.ts';
import type { LabContext } from '../../../lab/context.ts';
import { labDown } from '../../../lab/down.ts';
import { sharedRoot } from '../../../lab/machines/root.ts';
import { newRunId } from '../../../lab/names.ts';
import { labUp } from '../../../lab/up.ts';
import { loadProject } from '../../../project/load.ts';
import type { Site } from '../../../site/types.ts';
import { type ComposeApp, composeApps } from '../compose/apps.ts';
import { caddyfilePath, upstreamOf } from './caddyfile.ts';
import { renderCaddy } from './render.ts';

const compact = fileURLToPath(new URL('../../../../examples/compact', import.meta.url));
const run = canRunLab('the reverse proxy in the lab', [
  ...LAB_TOOLS,
  ...MACHINE_TOOLS,
  ['caddy', 'apt-get install caddy'],
  ['curl', 'apt-get install curl'],
]);

let site: Site;
let ctx: LabContext;
let id: string;
let dir: string;
let apps: ComposeApp[];
const procs: ResultPromise[] = [];

/** Stand-in upstreams: one HTTP server per app port, answering with the app's name and the path it was asked. */
const STAND_IN = `
const http = require('node:http');
for (const arg of process.argv.slice(2)) {
  const [name, host, port] = arg.split(':');
  http.createServer((req, res) => res.end('stand-in ' + name + ' ' + req.url)).listen(Number(port), host);
}
`;

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function vlanNs(purpose: string): { netns: string; source: string } {
  const vlan = site.vlans.find((v) => v.purpose === purpose)!;
  const lab = ctx.plan.vlans.find((v) => v.tag === vlan.id)!;
  return { netns: lab.netns, source: lab.probeAddress };
}

/** curl from a VLAN's namespace (its spare address), resolving the app's name to its host, as DNS does. */
function curl(from: { netns: string; source: string }, a: ComposeApp, extra: string[]) {
  const fqdn = a.service.fqdn!;
  return execa(
    'ip',
    [
      'netns',
      'exec',
      from.netns,
      'curl',
      '-sS',
      '--max-time',
      '5',
      '--interface',
      from.source,
      '--resolve',
      `${fqdn}:443:${a.host.address}`,
      ...extra,
      `https://${fqdn}/health-check`,
    ],
    { reject: false },
  );
}

beforeAll(async () => {
  if (!run) return;
  site = (await loadProject(compact)).site;
  apps = composeApps(site);
  dir = mkdtempSync(join(tmpdir(), 'beelab-caddy-lab-'));
  await sharedRoot({ log: (l) => process.stderr.write(`${l}\n`) });
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: compact, machines: ['apps'] });
  } catch (err) {
    await labDown(id);
    throw err;
  }
  const machine = ctx.plan.machines.find((m) => m.host === 'apps')!;
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(caddyfile, renderCaddy(site).get(caddyfilePath('apps'))!.content);
  writeFileSync(join(dir, 'stand-in.cjs'), STAND_IN);
  const upstreams = apps.map((a) => `${a.app.name}:${upstreamOf(a)}`);
  procs.push(
    execa('ip', ['netns', 'exec', machine.netns, process.execPath, join(dir, 'stand-in.cjs'), ...upstreams], {
      reject: false,
    }),
  );
  // Caddy's state (the internal CA) in the test's own directory, as the package keeps it under /var/lib/caddy.
  const env = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  procs.push(
    execa(
      'ip',
      ['netns', 'exec', machine.netns, 'caddy', 'run', '--config', caddyfile, '--adapter', 'caddyfile'],
      {
        env,
        reject: false,
        all: true,
      },
    ),
  );
  const listening = async (port: string) =>
    (
      await execa('ip', ['netns', 'exec', machine.netns, 'ss', '-Hltn', `sport = :${port}`], {
        reject: false,
      })
    ).stdout.length > 0;
  await waitFor('caddy on 443', () => listening('443'));
  for (const u of apps.map(upstreamOf))
    await waitFor(`the stand-in at ${u}`, () => listening(u.split(':')[1]!));
}, 600_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.allSettled(procs);
  if (run && id) await labDown(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.runIf(run)('Caddy with the generated Caddyfile in the lab', () => {
  const root = () => join(dir, 'data/caddy/pki/authorities/local/root.crt');

  it('serves every app by name over TLS to the management VLAN, through the firewall, chain checked against the exported root', async () => {
    await waitFor('the root certificate', () => {
      try {
        return readFileSync(root(), 'utf8').includes('BEGIN CERTIFICATE');
      } catch {
        return false;
      }
    });
    const mgmt = vlanNs('management');
    expect(apps.length).toBeGreaterThan(2);
    // Caddy issues the sites' certificates in the background after it starts listening.
    await waitFor(
      'the first certificate',
      async () => (await curl(mgmt, apps[0]!, ['--cacert', root(), '-o', '/dev/null'])).exitCode === 0,
    );
    for (const a of apps) {
      const r = await curl(mgmt, a, ['--cacert', root(), '-w', ' %{http_code} %{ssl_verify_result}']);
      expect(r.stderr, a.app.name).toBe('');
      expect(r.stdout, a.app.name).toBe(`stand-in ${a.app.name} /health-check 200 0`);
    }
  }, 120_000);

  it('the certificate is issued for the name by the site CA, and is trusted through that root only', async () => {
    const mgmt = vlanNs('management');
    const a = apps[0]!;
    // Without the exported root the system store does not trust it: curl fails the verification (exit 60).
    const untrusted = await curl(mgmt, a, []);
    expect(untrusted.exitCode).toBe(60);
    const chain = await execa(
      'ip',
      [
        'netns',
        'exec',
        mgmt.netns,
        'openssl',
        's_client',
        '-connect',
        `${a.host.address}:443`,
        '-servername',
        a.service.fqdn!,
        '-CAfile',
        root(),
        '-verify_return_error',
        '-showcerts',
      ],
      { input: '', reject: false },
    );
    expect(chain.stdout).toContain('Verify return code: 0 (ok)');
    expect(chain.stdout).toMatch(new RegExp(`issuer=.*Beelab ${site.name} CA`));
  }, 60_000);

  it('from a VLAN the policy does not let reach the apps, the firewall drops the connection', async () => {
    const ai = vlanNs('ai');
    const r = await curl(ai, apps[0]!, ['--cacert', root(), '--connect-timeout', '3']);
    expect(r.exitCode).toBe(28); // timed out: dropped, not refused
  }, 60_000);
});
