// The AI station's proof in the lab (root): the reference build's network with its generated firewall; the
// gateway runs from the RENDERED ai/gateway/gateway.yaml (built into its service bundle, the keys' hashes made
// from the site's age-encrypted secrets as the ai/gateway step makes them) in the namespace that holds the AI
// head's address; a stand-in OpenAI-protocol server listens at each backend's node address and port (in the lab
// the tailnet is the AI VLAN) and names itself in every answer. The gateway reaches the backends by their site
// DNS names through the lab's dnsmasq. A client in each VLAN the flows let reach the gateway port gets a streamed
// completion through the firewall; a client in a VLAN they do not gets no connection at all; killing the backend
// that answered makes the next completions come from the other one serving the model, and the gateway's
// /metrics, through the firewall from management, shows it down. Nothing is changed in the rendered config; its
// state directory (usageLog under /var/lib) and the resolver are the gateway's own, in a private mount namespace.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS } from '../../../test/support/tools.ts';
import { hashKey } from '../../gateway/api-keys.ts';
import { bundleGateway } from '../../gateway/bundle.ts';
import type { GatewayConfig } from '../../gateway/config-schema.ts';
import { loadGatewayConfig } from '../../gateway/load-config.ts';
import { GATEWAY_NODE_FLAGS } from '../../gateway/service-files.ts';
import type { LabContext } from '../../lab/context.ts';
import { labDown } from '../../lab/down.ts';
import { newRunId } from '../../lab/names.ts';
import { labUp } from '../../lab/up.ts';
import { loadProject } from '../../project/load.ts';
import { renderSite } from '../../project/render-site.ts';
import { IDENTITY_ENV, loadIdentity } from '../../secrets/identity.ts';
import { SecretStore } from '../../secrets/store.ts';
import { ensureSecrets, secretProvider } from '../../secrets/use.ts';
import type { Site } from '../../site/types.ts';
import { EndpointResolver } from '../network/policy/endpoints.ts';
import { FIREWALL, INTERNET } from '../network/policy/types.ts';
import type { Step } from '../step.ts';
import { secretEnvName } from '../step.ts';
import { GATEWAY_CONFIG_PATH, keyHashFile, keySecret, meshBackends } from './gateway-config.ts';
import { SMOKE_KEY } from './site.ts';
import { aiSteps, GATEWAY_STEP } from './steps.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const reference = `${repo}examples/reference`;
const STAND_IN = `${repo}src/gateway/testing/upstream-server.ts`;
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const CHUNKS = 6;

const run = canRunLab('the AI gateway in the lab', [
  ...LAB_TOOLS,
  ['curl', 'apt-get install curl'],
  ['unshare', 'apt-get install util-linux'],
]);

let site: Site;
let ctx: LabContext;
let id: string;
let dir: string;
let config: GatewayConfig;
let step: Step;
let cleanupSecrets: (() => Promise<void>) | undefined;
let gateway: ChildProcess | undefined;
const standIns = new Map<string, ChildProcess>();
/** Where each client stands: a VLAN's namespace and the address it speaks from. */
interface Client {
  what: string;
  netns: string;
  source: string;
}
let allowed: Client[];
let denied: Client[];
let model: string;
let serving: string[];
const t0 = Date.now();
let ready = 0;

const headHost = () => site.hosts.find((h) => h.name === site.ai.gatewayHost)!;
const vlanOf = (zone: string) => ctx.plan.vlans.find((v) => v.zone === zone)!;

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/**
 * The clients the flows name for the gateway port, outside the gateway's own VLAN (so they cross the firewall):
 * a whole VLAN's flow stands by an address no host uses, a host's or role's by that host's address. Denied: a
 * VLAN no such flow comes from, and a device of an allowed role's VLAN that is not of the role.
 */
function clients(): { allowed: Client[]; denied: Client[] } {
  const head = headHost();
  const resolver = new EndpointResolver(site);
  const toGateway = site.flows.filter(
    (f) =>
      f.protocol === 'tcp' &&
      f.ports.includes(site.ai.gatewayPort) &&
      f.to.kind === 'host' &&
      f.to.host === head.name,
  );
  const wholeVlans = new Set<string>();
  const hostsBy = new Map<string, { addresses: string[]; what: string }>();
  for (const f of toGateway) {
    const r = resolver.resolve(f.from, f.id);
    if (r.kind !== 'placed') continue;
    for (const p of r.placements) {
      if (p.zone === FIREWALL || p.zone === INTERNET) continue;
      if (!p.set) wholeVlans.add(p.zone);
      else if (!hostsBy.has(p.zone)) hostsBy.set(p.zone, { addresses: p.set.addresses, what: f.id });
    }
  }
  const out: { allowed: Client[]; denied: Client[] } = { allowed: [], denied: [] };
  const vlan = [...wholeVlans].find((z) => z !== head.vlan);
  if (vlan) {
    const v = vlanOf(vlan);
    out.allowed.push({ what: `any device of VLAN ${vlan}`, netns: v.netns, source: v.probeAddress });
  }
  const roleZone = [...hostsBy.keys()].find((z) => z !== head.vlan && !wholeVlans.has(z));
  if (roleZone) {
    const v = vlanOf(roleZone);
    const { addresses, what } = hostsBy.get(roleZone)!;
    out.allowed.push({ what: `${addresses[0]} of ${what}`, netns: v.netns, source: addresses[0]! });
    out.denied.push({
      what: `another device of VLAN ${roleZone}`,
      netns: v.netns,
      source: v.probeAddress,
    });
  }
  const none = site.vlans.find(
    (v) => v.name !== head.vlan && !wholeVlans.has(v.name) && !hostsBy.has(v.name),
  );
  if (none) {
    const v = vlanOf(none.name);
    out.denied.unshift({ what: `VLAN ${none.name}`, netns: v.netns, source: v.probeAddress });
  }
  return out;
}

/** curl from a client's namespace and address; `extra` before the URL. */
function curl(c: Client, extra: string[], url: string) {
  return execa('ip', ['netns', 'exec', c.netns, 'curl', '-sS', '--interface', c.source, ...extra, url], {
    reject: false,
  });
}

/** A streamed chat completion through the gateway as `c`, with the smoke test's key: headers and SSE events. */
async function streamed(c: Client) {
  const body = JSON.stringify({
    model,
    stream: true,
    messages: [{ role: 'user', content: 'Say OK.' }],
    max_tokens: 8,
  });
  const r = await curl(
    c,
    [
      '-N',
      '-i',
      '--max-time',
      '15',
      '-H',
      `@${join(dir, 'auth-header')}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      body,
    ],
    `http://${headHost().address}:${site.ai.gatewayPort}/v1/chat/completions`,
  );
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim();
  const data = r.stdout
    .slice(split + 4)
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6));
  return {
    exitCode: r.exitCode,
    stderr: r.stderr,
    status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]),
    type: header('content-type'),
    backend: header('x-beelab-backend'),
    standIn: header('x-stand-in'),
    data,
  };
}

/** The gateway's Prometheus metrics, from the management VLAN through the firewall to the admin listener. */
async function metrics(): Promise<string> {
  const admin = config.admin.listen;
  if (admin === 'main') throw new Error('the rendered config serves /metrics on the API port');
  const v = vlanOf(site.vlans.find((x) => x.purpose === 'management')!.name);
  const r = await curl(
    { what: 'management', netns: v.netns, source: v.probeAddress },
    ['--max-time', '3'],
    `http://${admin.host}:${admin.port}/metrics`,
  );
  return r.exitCode === 0 ? r.stdout : '';
}

const backendUp = (text: string, name: string) =>
  new RegExp(`^beelab_gateway_backend_up\\{[^}]*backend="${name}"[^}]*\\} (\\d)`, 'm').exec(text)?.[1];

beforeAll(async () => {
  if (!run) return;
  site = (await loadProject(reference)).site;
  dir = mkdtempSync(join(tmpdir(), 'beelab-ai-lab-'));
  // What the layer renders and the step it hands to apply: the config, and the secrets the step asks for.
  const files = renderSite(site);
  step = aiSteps(site, files).find((s) => s.id === GATEWAY_STEP)!;
  const names = step.secrets ?? [];
  const gw = join(dir, 'gateway');
  mkdirSync(join(gw, 'keys'), { recursive: true });
  writeFileSync(join(gw, 'gateway.yaml'), files.get(GATEWAY_CONFIG_PATH)!.content);

  // The site's secrets, age-encrypted to a key made for this run, then handed over as apply hands them.
  const identity = await generateIdentity();
  writeFileSync(join(dir, 'age.key'), `${identity}\n`, { mode: 0o600 });
  const withKey = { ...site, admin: { ...site.admin, ageRecipients: [await identityToRecipient(identity)] } };
  const store = SecretStore.open(join(dir, 'site'));
  const made = await ensureSecrets(withKey, store, names);
  expect(made.created.sort()).toEqual([...names].sort());
  const given = await secretProvider(store, () => loadIdentity({ [IDENTITY_ENV]: join(dir, 'age.key') }))(
    names,
  );
  cleanupSecrets = given.cleanup;
  const secret = (key: string) => readFileSync(given.env[secretEnvName(keySecret(key))]!, 'utf8').trim();
  // What the step's `beelab gateway hash-key < "$BEELAB_SECRET_GATEWAY_KEY_…"` writes beside gateway.yaml.
  for (const k of site.ai.keys) writeFileSync(join(gw, keyHashFile(k.name)), `${hashKey(secret(k.name))}\n`);
  writeFileSync(join(dir, 'auth-header'), `Authorization: Bearer ${secret(SMOKE_KEY)}\n`, { mode: 0o600 });
  // Read back by the gateway's own loader, as `beelab check` and the service read it.
  config = await loadGatewayConfig(join(gw, 'gateway.yaml'));
  model = site.ai.keys.find((k) => k.name === SMOKE_KEY)!.models![0]!;
  serving = config.backends.filter((b) => b.models.includes(model)).map((b) => b.name);

  // The lab, its VLAN agents leaving the gateway's and the model servers' ports to the real processes.
  const head = headHost();
  const mesh = meshBackends(site);
  const admin = config.admin.listen;
  const leaveFree = [
    { zone: head.vlan, port: config.listen.port },
    ...(admin === 'main' ? [] : [{ zone: head.vlan, port: admin.port }]),
    ...mesh.map((b) => ({ zone: site.hosts.find((h) => h.name === b.host)!.vlan, port: b.port })),
  ].map((f) => ({ ...f, proto: 'tcp' as const }));
  id = newRunId();
  try {
    ctx = await labUp(site, { id, mode: 'veth', siteDir: reference, leaveFree });
  } catch (err) {
    await labDown(id);
    throw err;
  }

  // A stand-in per backend, at the node's address and the server's port, serving the backend's models.
  for (const b of mesh) {
    const host = site.hosts.find((h) => h.name === b.host)!;
    const ns = vlanOf(host.vlan).netns;
    const declared = config.backends.find((c) => c.name === b.name)!;
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '--import',
        TSX_LOADER,
        STAND_IN,
        String(b.port),
        String(CHUNKS),
        '--host',
        host.address,
        '--name',
        b.name,
        '--models',
        declared.models.join(','),
        '--chunk-delay-ms',
        '20',
      ],
      { stdio: 'ignore', cwd: repo },
    );
    standIns.set(b.name, child);
  }
  const listening = async (ns: string, address: string, port: number) =>
    (await execa('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `src ${address}:${port}`], { reject: false }))
      .stdout.length > 0;
  for (const b of mesh) {
    const host = site.hosts.find((h) => h.name === b.host)!;
    await waitFor(
      `the stand-in ${b.name} at ${host.address}:${b.port}`,
      () => listening(vlanOf(host.vlan).netns, host.address, b.port),
      40_000,
    );
  }

  // The gateway as its service runs it: the bundle under plain node, from the config's directory. A private
  // mount namespace gives it its state directory (/var/lib) and the lab's resolver, the VLAN's gateway.
  await bundleGateway(join(gw, 'beelab-gateway.mjs'));
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${vlanOf(head.vlan).gateway}\nsearch ${site.domain}\n`);
  writeFileSync(join(dir, 'nsswitch.conf'), 'hosts: files dns\n');
  const inside = [
    'mount -t tmpfs beelab-ai-lab /var/lib',
    `mount --bind ${join(dir, 'resolv.conf')} /etc/resolv.conf`,
    `mount --bind ${join(dir, 'nsswitch.conf')} /etc/nsswitch.conf`,
    `exec ${process.execPath} ${GATEWAY_NODE_FLAGS.join(' ')} beelab-gateway.mjs --config gateway.yaml`,
  ].join(' && ');
  gateway = spawn(
    'ip',
    ['netns', 'exec', vlanOf(head.vlan).netns, 'unshare', '--mount', 'sh', '-c', inside],
    { cwd: gw, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
  );
  let log = '';
  gateway.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  // Ready once every backend passed its first health check, by name through the lab's DNS.
  await waitFor(
    'every backend up',
    async () => {
      if (gateway!.exitCode !== null) throw new Error(`the gateway exited: ${log}`);
      const m = await metrics();
      return config.backends.every((b) => backendUp(m, b.name) === '1');
    },
    30_000,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${log}`);
  });
  ({ allowed, denied } = clients());
  ready = Date.now();
}, 120_000);

afterAll(async () => {
  gateway?.kill('SIGTERM');
  for (const p of standIns.values()) p.kill('SIGTERM');
  await cleanupSecrets?.();
  if (run && id) await labDown(id);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.runIf(run)('the AI gateway in the lab (root)', () => {
  let first: string;

  it('a client in each VLAN the flows allow gets a streamed completion through the firewall and the gateway', async () => {
    expect(allowed.length, 'the flows name at least one client outside the AI VLAN').toBeGreaterThan(0);
    expect(serving.length, `two backends serve ${model}`).toBeGreaterThanOrEqual(2);
    for (const c of allowed) {
      const r = await streamed(c);
      expect(r.stderr, c.what).toBe('');
      expect(r.status, c.what).toBe(200);
      expect(r.type, c.what).toMatch(/^text\/event-stream/);
      // Several content chunks, the stop, the usage, then [DONE], as the backend streamed them.
      expect(r.data.length, c.what).toBe(CHUNKS + 3);
      expect(r.data.at(-1)).toBe('[DONE]');
      const text = r.data
        .slice(0, -1)
        .map(
          (d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content,
        )
        .join('');
      expect(text).toBe(Array.from({ length: CHUNKS }, (_, i) => `tok${i} `).join(''));
      // Answered by a stand-in serving the model, and the gateway says the same one.
      expect(serving, c.what).toContain(r.standIn);
      expect(r.backend, c.what).toBe(r.standIn);
      first = r.standIn!;
    }
  });

  it('a client in a VLAN the flows do not allow gets no connection: the firewall drops it', async () => {
    expect(denied.length).toBeGreaterThan(0);
    for (const c of denied) {
      const r = await curl(
        c,
        ['-o', '/dev/null', '--connect-timeout', '2'],
        `http://${headHost().address}:${site.ai.gatewayPort}/readyz`,
      );
      expect(r.exitCode, `${c.what}: ${r.stderr}`).toBe(28); // timed out: dropped, not refused
    }
  });

  it('killing the backend that answered: the next completions come from the other one, /metrics shows it down', async () => {
    const killed = standIns.get(first)!;
    const gone = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await gone;
    const others = serving.filter((b) => b !== first);
    const from: string[] = [];
    const t = Date.now();
    for (let i = 0; i < 3; i++) {
      const r = await streamed(allowed[0]!);
      expect(r.status).toBe(200);
      expect(r.data.at(-1)).toBe('[DONE]');
      expect(r.backend).toBe(r.standIn);
      from.push(r.standIn!);
    }
    expect(others).toEqual(expect.arrayContaining([...new Set(from)]));
    let down = 0;
    await waitFor(
      `${first} down on /metrics`,
      async () => {
        const m = await metrics();
        return backendUp(m, first) === '0' && others.every((o) => backendUp(m, o) === '1');
      },
      20_000,
    );
    down = (Date.now() - t) / 1000;
    process.stderr.write(
      `figures: lab and gateway ready in ${((ready - t0) / 1000).toFixed(1)} s; allowed: ${allowed.map((c) => c.what).join(', ')}; denied: ${denied.map((c) => c.what).join(', ')}; ${config.backends.length} backends; failover answers from ${[...new Set(from)].join(', ')}; ${first} down on /metrics after ${down.toFixed(1)} s\n`,
    );
  }, 40_000);
});
