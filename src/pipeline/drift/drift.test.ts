// The proof of `beelab drift`: a local stand-in of the OPNsense API on 127.0.0.1 (HTTPS, its own self-signed
// certificate, key and secret checked) serves the rendered config.xml with planted changes and with what the
// firewall rewrites by itself; drift finds each planted change and nothing else, and --export keeps them.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needTool } from '../../../test/support/tools.ts';
import { secretsSet } from '../../cli/secrets-run.ts';
import { writeSpecYaml } from '../../init/spec-yaml.ts';
import { OPNSENSE_CONFIG } from '../../layers/network/opnsense/backend.ts';
import { loadProject } from '../../project/load.ts';
import { renderProject } from '../../project/render.ts';
import { FIREWALL_API_SECRET, siteSecrets } from '../../secrets/catalog.ts';
import { IDENTITY_ENV } from '../../secrets/identity.ts';
import { SecretStore } from '../../secrets/store.ts';
import { ensureSecrets } from '../../secrets/use.ts';
import { tierDefaults } from '../../spec/tiers.ts';
import { initRepository } from '../repository.ts';
import { compareItems } from './compare.ts';
import { configItems } from './config-items.ts';
import { driftSite, EXPORT_PATH } from './drift.ts';
import { BACKUP_PATH } from './fetch.ts';

const tmp = mkdtempSync(join(tmpdir(), 'beelab-drift-'));
const dir = join(tmp, 'site');
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const KEY = 'w86XNZob/8Oq8aC5r0kbNarNtdpoQU781fyoeaOBQsBwkXUt';
const SECRET = 'XeD26XVrJ5ilAc/EmglCRC+0j2e57tRsjHwFepOseySWLM53pJASeTA3';
const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout.trimEnd();

/** Edits the first `<tag uuid=…>` block whose text contains `marker`. */
function editBlock(xml: string, tag: string, marker: string, edit: (block: string) => string): string {
  const re = new RegExp(`<${tag} uuid="[^"]+">[\\s\\S]*?</${tag}>`, 'g');
  for (const m of xml.matchAll(re))
    if (m[0].includes(marker)) return xml.slice(0, m.index) + edit(m[0]) + xml.slice(m.index! + m[0].length);
  throw new Error(`no <${tag}> containing ${marker}`);
}
const blockOf = (xml: string, tag: string, marker: string) => {
  let found = '';
  editBlock(xml, tag, marker, (b) => {
    found = b;
    return b;
  });
  return found;
};

const GATEWAY = 'ai-gateway: OpenAI-compatible gateway in front of the AI mesh [flow/role:docker';
const NFS = 'nfs: NFS export of the tank pool [flow/role:docker';
const NUT = 'nut: the NUT exporter on the monitor';
const DNS = 'DNS to the firewall resolver [baseline/servers/dns-udp]';
const NTP = 'NTP from the firewall [baseline/devops/ntp]';

/** The rendered config.xml as a firewall would serve it after six changes in its GUI, plus its own rewrites. */
function plant(rendered: string): string {
  let xml = rendered;
  // 1. a rule disabled
  xml = editBlock(xml, 'rule', GATEWAY, (b) => b.replace('<enabled>1</enabled>', '<enabled>0</enabled>'));
  // 2. a rule's port changed
  xml = editBlock(xml, 'rule', NFS, (b) => b.replace('<destination_port>2049</', '<destination_port>2050</'));
  // 3. a rule deleted
  xml = editBlock(xml, 'rule', NUT, () => '');
  // 4. a rule added in the GUI, with the firewall's own UUID
  xml = xml.replace(
    '</rules>',
    `  <rule uuid="${randomUUID()}"><enabled>1</enabled><action>pass</action><interface>opt2</interface><protocol>TCP</protocol><source_net>any</source_net><destination_net>any</destination_net><destination_port>8443</destination_port><description>temporary admin</description></rule>\n        </rules>`,
  );
  // 5. a host mapping's address changed
  xml = editBlock(xml, 'hosts', '<host>pve2</host>', (b) => b.replace('10.20.10.12', '10.20.10.42'));
  // 6. a host mapping added
  xml = xml.replace(
    '<no_ident>1</no_ident>',
    `<no_ident>1</no_ident>\n    <hosts uuid="${randomUUID()}"><host>laptop</host><domain>lab.example.com</domain><ip>10.20.10.60</ip><hwaddr>aa:bb:cc:dd:ee:ff</hwaddr><descr>my laptop</descr></hosts>`,
  );
  // What the firewall rewrites by itself: no drift.
  xml = xml.replace(
    '<theme>',
    '<revision><username>root@10.20.10.50</username><time>1764590000.12</time><description>/firewall_rules_edit.php made changes</description></revision>\n  <theme>',
  );
  xml = editBlock(xml, 'rule', DNS, (b) =>
    b.replace(
      '<enabled>1</enabled>',
      '<enabled>1</enabled><categories/><sched/><created><username>root</username><time>1764590000.1</time></created><updated><time>1764590001.2</time></updated>',
    ),
  );
  // A rule deleted and made again the same way: a new UUID, the same rule.
  xml = editBlock(xml, 'rule', NTP, (b) => b.replace(/uuid="[^"]+"/, `uuid="${randomUUID()}"`));
  return xml;
}

let rendered = '';
let live = '';
let server: Server;
let url = '';
let certFile = '';
let identity = '';
const requests: { path: string; auth: string }[] = [];

const EXPECTED = [
  'rule disabled on the firewall: allow servers (10.20.20.15) → ai (10.20.40.10) tcp 4000 (ai-gateway: OpenAI-compatible gateway in front of the AI mesh)',
  'rule changed on the firewall: allow servers (10.20.20.15) → mgmt (10.20.10.11) tcp 2049 (nfs: NFS export of the tank pool); now allow servers (10.20.20.15) → mgmt (10.20.10.11) tcp 2050 (nfs: NFS export of the tank pool)',
  'rule missing on the firewall: allow servers (10.20.20.16) → mgmt (10.20.10.11) tcp 3493 (nut: the NUT exporter on the monitor reads the UPS)',
  'rule added on the firewall: allow devops → any tcp 8443 (temporary admin)',
  'host mapping changed on the firewall: pve2.lab.example.com → 10.20.10.12 (58:47:ca:70:00:02); now pve2.lab.example.com → 10.20.10.42 (58:47:ca:70:00:02)',
  'host mapping added on the firewall: laptop.lab.example.com → 10.20.10.60 (aa:bb:cc:dd:ee:ff)',
];

describe.runIf(needTool('openssl', 'apt-get install openssl') && needTool('git', 'apt-get install git'))(
  'beelab drift against a stand-in OPNsense API on 127.0.0.1',
  () => {
    beforeAll(async () => {
      mkdirSync(dir);
      identity = await generateIdentity();
      writeFileSync(join(tmp, 'age.key'), `${identity}\n`);
      const spec = tierDefaults('reference');
      spec.site = {
        ...spec.site,
        admin: { ...spec.site.admin, ageRecipients: [await identityToRecipient(identity)] },
      };
      writeFileSync(join(dir, 'beelab.yaml'), writeSpecYaml(spec));
      await renderProject(dir);
      await initRepository(dir, 'beelab', quiet);
      rendered = readFileSync(join(dir, OPNSENSE_CONFIG), 'utf8');
      live = plant(rendered);
      const key = join(tmp, 'fw.key');
      certFile = join(tmp, 'fw.pem');
      const r = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=fw',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        certFile,
      ]);
      expect(r.status, String(r.stderr)).toBe(0);
      server = createServer({ key: readFileSync(key), cert: readFileSync(certFile) }, (req, res) => {
        requests.push({ path: req.url ?? '', auth: req.headers.authorization ?? '' });
        const want = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
        if (req.headers.authorization !== want) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end('{"status":401,"message":"Authentication Failed"}');
          return;
        }
        if (req.method !== 'GET' || req.url !== BACKUP_PATH) {
          res.writeHead(404).end('{"errorMessage":"Endpoint not found"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(live);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(join(tmp, 'apikey.txt'), `key=${KEY}\nsecret=${SECRET}\n`);
    }, 60_000);
    afterAll(async () => {
      await new Promise((ok) => server?.close(ok));
      rmSync(tmp, { recursive: true, force: true });
    });

    it('finds each planted change and nothing else, in the words of the policy', async () => {
      const zones = new Map([
        [10, 'mgmt'],
        [20, 'servers'],
        [30, 'devops'],
        [40, 'ai'],
        [66, 'security'],
      ]);
      const mine = configItems(rendered, zones);
      expect(compareItems(mine, configItems(rendered, zones))).toEqual([]);
      expect(compareItems(mine, configItems(plant(rendered), zones)).map((d) => d.text)).toEqual(EXPECTED);
    });

    it('downloads the running config with the key and secret over HTTPS and reports the drift', async () => {
      requests.length = 0;
      const r = await driftSite(dir, { url, apiKey: join(tmp, 'apikey.txt'), ca: certFile }, quiet);
      expect(r.drifts.map((d) => d.text)).toEqual(EXPECTED);
      expect(r.drifts.filter((d) => d.change === 'changed').map((d) => d.fields)).toEqual([
        ['enabled: 1 → 0'],
        ['destination_port: 2049 → 2050'],
        ['ip: 10.20.10.12 → 10.20.10.42'],
      ]);
      expect(requests).toEqual([
        { path: BACKUP_PATH, auth: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}` },
      ]);
    });

    it('from the command line: the differences, and exit 1 with --exit-code', async () => {
      const bin = new URL('../../../bin/beelab.mjs', import.meta.url).pathname;
      const args = [bin, 'drift', dir, '--url', url, '--api-key', join(tmp, 'apikey.txt'), '--ca', certFile];
      // The stand-in runs in this process: the CLI must not block it, so it runs asynchronously.
      const run = (extra: string[]) =>
        new Promise<{ code: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          child.stdout.on('data', (c: Buffer) => {
            stdout += c.toString();
          });
          child.on('close', (code) => resolve({ code, stdout }));
        });
      const r = await run(['--exit-code']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`6 difference(s) between the rendered ${OPNSENSE_CONFIG} and fw (${url}):`);
      for (const line of EXPECTED) expect(r.stdout).toContain(`  ${line}\n`);
      expect(r.stdout).toContain('      destination_port: 2049 → 2050\n');
    }, 60_000);

    it('says what is wrong: a refused key, an untrusted certificate, plain http to a real address', async () => {
      writeFileSync(join(tmp, 'wrong.txt'), `${KEY}:not-the-secret\n`);
      await expect(
        driftSite(dir, { url, apiKey: join(tmp, 'wrong.txt'), ca: certFile }, quiet),
      ).rejects.toThrow(/refused the API key \(HTTP 401\)/);
      await expect(driftSite(dir, { url, apiKey: join(tmp, 'apikey.txt') }, quiet)).rejects.toThrow(
        /cannot download the configuration from https:\/\/127\.0\.0\.1:\d+: self.signed certificate/,
      );
      // Refused before any connection is made: the key never travels in clear text.
      await expect(
        driftSite(dir, { url: 'http://10.20.10.1', apiKey: join(tmp, 'apikey.txt') }, quiet),
      ).rejects.toThrow(/refusing to send the firewall API key over plain http to 10\.20\.10\.1/);
      await expect(driftSite(dir, { url, apiKey: join(tmp, 'nothing.txt') }, quiet)).rejects.toThrow(
        /cannot read --api-key/,
      );
      await expect(driftSite(dir, { url, ca: certFile }, quiet)).rejects.toThrow(
        /no firewall-api-key in secrets\//,
      );
    });

    it('reads the key and secret from secrets/, where apply leaves them to the user and `secrets set` stores them', async () => {
      const before = process.env[IDENTITY_ENV];
      process.env[IDENTITY_ENV] = join(tmp, 'age.key');
      try {
        const { site } = await loadProject(dir);
        const store = SecretStore.open(dir);
        // apply cannot make it: OPNsense issues the key and secret.
        const made = await ensureSecrets(site, store);
        expect(made.created).not.toContain(FIREWALL_API_SECRET);
        expect(made.skipped.find((s) => s.name === FIREWALL_API_SECRET)?.why).toContain('issued by OPNsense');
        // A single value (what an older Beelab generated) is named for what it is.
        const def = siteSecrets(site).find((d) => d.name === FIREWALL_API_SECRET)!;
        await store.create(def, 'sk-beelab-0123456789abcdef', site.admin.ageRecipients);
        await expect(driftSite(dir, { url, ca: certFile }, quiet)).rejects.toThrow(/holds a single value/);
        writeFileSync(join(tmp, 'one.txt'), 'just-a-key\n');
        await expect(secretsSet(dir, FIREWALL_API_SECRET, join(tmp, 'one.txt'), quiet)).rejects.toThrow(
          /is not an OPNsense API key and secret/,
        );
        await secretsSet(dir, FIREWALL_API_SECRET, join(tmp, 'apikey.txt'), quiet);
        const r = await driftSite(dir, { url, ca: certFile }, quiet);
        expect(r.drifts.map((d) => d.text)).toEqual(EXPECTED);
      } finally {
        if (before === undefined) delete process.env[IDENTITY_ENV];
        else process.env[IDENTITY_ENV] = before;
        spawnSync('git', ['checkout', '--quiet', '--', '.'], { cwd: dir });
        spawnSync('git', ['clean', '-fdq', '--', 'secrets'], { cwd: dir });
      }
    });

    it('--export keeps the live rules and host mappings in the repository as one commit, without users or keys', async () => {
      const r = await driftSite(
        dir,
        { url, apiKey: join(tmp, 'apikey.txt'), ca: certFile, export: true },
        quiet,
      );
      expect(r.exported).toMatch(/^[0-9a-f]{7,}$/);
      expect(git('log', '-1', '--format=%s')).toBe(
        'opnsense: export rules.xml from fw (6 difference(s) from beelab.yaml)',
      );
      expect(git('show', '--name-only', '--format=', 'HEAD')).toBe(EXPORT_PATH);
      expect(git('status', '--porcelain')).toBe('');
      const exported = readFileSync(join(dir, EXPORT_PATH), 'utf8');
      expect(exported).toContain('<destination_port>2050</destination_port>');
      expect(exported).toContain('<host>laptop</host>');
      expect(exported).toContain(blockOf(live, 'hosts', '<host>pve2</host>'));
      expect(exported).not.toContain('<user>');
      expect(exported).not.toContain('$2y$');
      // The export names the same items the firewall runs: compared with the live config, no drift.
      const zones = new Map([
        [10, 'mgmt'],
        [20, 'servers'],
        [30, 'devops'],
        [40, 'ai'],
        [66, 'security'],
      ]);
      const items = configItems(exported, zones);
      expect(items.length).toBe(configItems(live, zones).length);
    });
  },
);
