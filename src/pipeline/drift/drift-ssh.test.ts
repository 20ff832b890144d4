// The proof of `beelab drift` for pfSense and VyOS: a real OpenSSH server on 127.0.0.1 (its own host key, a
// client key made here, the command each platform's users run checked word for word by a forced command) serves
// the rendered configuration with planted changes and with what the firewall writes by itself; drift finds each
// planted change and nothing else. Unpinned and changed host keys, refused keys, a closed port and a missing ssh
// binary are each named.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/local-daemon.ts';
import { isRoot, needTool } from '../../../test/support/tools.ts';
import { secretsRotate } from '../../cli/secrets-run.ts';
import { writeSpecYaml } from '../../init/spec-yaml.ts';
import { PFSENSE_CONFIG } from '../../layers/network/pfsense/backend.ts';
import { VYOS_SCRIPT } from '../../layers/network/vyos/backend.ts';
import { loadProject } from '../../project/load.ts';
import { renderProject } from '../../project/render.ts';
import { FIREWALL_SSH_SECRET } from '../../secrets/catalog.ts';
import { IDENTITY_ENV, loadIdentity } from '../../secrets/identity.ts';
import { SecretStore } from '../../secrets/store.ts';
import { ensureSecrets } from '../../secrets/use.ts';
import { tierDefaults } from '../../spec/tiers.ts';
import { initRepository } from '../repository.ts';
import { compareItems } from './compare.ts';
import {
  type DriftOptions,
  driftSite,
  EXPORT_PATHS,
  KNOWN_HOSTS_PATH,
  PFSENSE_FETCH_COMMAND,
  VYOS_FETCH_COMMAND,
} from './drift.ts';
import { pfsenseItems } from './pfsense-items.ts';
import { setTokens, vyosCommandLines } from './vyos-items.ts';

const tmp = mkdtempSync(join(tmpdir(), 'beelab-drift-ssh-'));
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const ZONES = new Map([
  [10, 'mgmt'],
  [20, 'servers'],
  [30, 'devops'],
  [40, 'ai'],
  [66, 'security'],
]);
/** The login: a user that exists here (sshd refuses unknown ones); the product's default is admin / vyos. */
const USER = userInfo().username;

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const keygen = (file: string) =>
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', file]);

/** A site of the reference tier behind a pfSense or VyOS firewall, rendered, in git. */
async function makeSite(platform: 'pfsense' | 'vyos', recipient: string): Promise<string> {
  const dir = join(tmp, platform);
  mkdirSync(dir);
  const spec = tierDefaults('reference');
  spec.site = { ...spec.site, admin: { ...spec.site.admin, ageRecipients: [recipient] } };
  const nics = platform === 'vyos' ? { wan: 'eth0', trunk: 'eth1' } : { wan: 'igb0', trunk: 'igb1' };
  spec.network = { ...spec.network, firewall: { ...spec.network!.firewall!, platform, ...nics } };
  writeFileSync(join(dir, 'beelab.yaml'), writeSpecYaml(spec));
  await renderProject(dir);
  await initRepository(dir, 'beelab', quiet);
  return dir;
}

// ---- pfSense: the rendered config.xml after changes in its GUI ----

/** Edits the first `<tag>` block whose text contains `marker`. */
function editBlock(xml: string, tag: string, marker: string, edit: (block: string) => string): string {
  const re = new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g');
  for (const m of xml.matchAll(re))
    if (m[0].includes(marker)) return xml.slice(0, m.index) + edit(m[0]) + xml.slice(m.index! + m[0].length);
  throw new Error(`no <${tag}> containing ${marker}`);
}

const NFS = 'nfs: NFS export of the tank pool [flow/role:docker';
const NUT = 'nut: the NUT exporter on the monitor';
const GATEWAY = 'ai-gateway: OpenAI-compatible gateway in front of the AI mesh [flow/role:docker';
const DNS = 'DNS to the firewall resolver [baseline/servers/dns-udp]';
const NTP = 'NTP from the firewall [baseline/devops/ntp]';

function plantPfsense(rendered: string): string {
  let xml = rendered;
  // 1. a rule's port changed
  xml = editBlock(xml, 'rule', NFS, (b) => b.replace('<port>2049</port>', '<port>2050</port>'));
  // 2. a rule deleted
  xml = editBlock(xml, 'rule', NUT, () => '');
  // 3. a rule disabled
  xml = editBlock(xml, 'rule', GATEWAY, (b) =>
    b.replace('<type>pass</type>', '<type>pass</type>\n      <disabled></disabled>'),
  );
  // 4. a rule added in the GUI (pfSense's own tracker, its created stamp)
  xml = xml.replace(
    '</filter>',
    '  <rule><id></id><tracker>1764590123</tracker><type>pass</type><interface>opt2</interface><ipprotocol>inet</ipprotocol><tag></tag><tagged></tagged><max></max><statetype><![CDATA[keep state]]></statetype><protocol>tcp</protocol><source><any></any></source><destination><any></any><port>8443</port></destination><descr><![CDATA[temporary admin]]></descr><created><time>1764590123</time><username><![CDATA[admin@10.20.10.50 (Local Database)]]></username></created></rule>\n  </filter>',
  );
  // 5. an alias's content changed (the GUI dates the new entry in <detail>)
  xml = editBlock(xml, 'alias', '<name>host_pve1</name>', (b) =>
    b
      .replace('<address>10.20.10.11</address>', '<address>10.20.10.11 10.20.10.99</address>')
      .replace(
        /<detail>[^<]*<\/detail>|<detail\/>/,
        '<detail><![CDATA[||Entry added Tue, 01 Dec 2026 02:14:00 +0000]]></detail>',
      ),
  );
  // 6. an interface's address changed
  xml = editBlock(xml, 'opt3', '<if>igb1.40</if>', (b) =>
    b.replace('<ipaddr>10.20.40.1</ipaddr>', '<ipaddr>10.20.40.254</ipaddr>'),
  );
  // 7. a VLAN's description changed
  xml = editBlock(xml, 'vlan', '<tag>66</tag>', (b) =>
    b.replace('<descr>security</descr>', '<descr>honeypot</descr>'),
  );
  // 8. a rule dragged down the list of its interface, before the default deny
  const dnsTcp = /<rule>(?:(?!<\/rule>)[\s\S])*?\[baseline\/servers\/dns-tcp\]<\/descr>\s*<\/rule>\s*/.exec(
    xml,
  )![0];
  xml = xml.replace(dnsTcp, '');
  xml = editBlock(xml, 'rule', 'default deny [default/servers]', (b) => `${dnsTcp.trim()}\n    ${b}`);
  // What pfSense writes by itself: no drift.
  xml = xml.replace(
    '<system>',
    '<revision><time>1764590124</time><description><![CDATA[admin@10.20.10.50 (Local Database): Firewall: Rules - saved/edited a firewall rule.]]></description><username><![CDATA[admin@10.20.10.50 (Local Database)]]></username></revision>\n  <system>',
  );
  xml = editBlock(xml, 'rule', DNS, (b) =>
    b.replace(
      '<type>pass</type>',
      '<type>pass</type><id></id><tag></tag><tagged></tagged><os></os><updated><time>1764590001</time><username><![CDATA[admin@10.20.10.50 (Local Database)]]></username></updated>',
    ),
  );
  // A rule deleted and made again the same way: a new tracker, the same rule.
  xml = editBlock(xml, 'rule', NTP, (b) =>
    b.replace(/<tracker>\d+<\/tracker>/, '<tracker>1764590200</tracker>'),
  );
  // Aliases in another order (pfSense sorts them by name on save): order of aliases means nothing.
  const first = /<alias>[\s\S]*?<\/alias>\s*/.exec(xml)![0];
  xml = xml.replace(first, '').replace('</aliases>', `${first}</aliases>`);
  return xml;
}

const PF_EXPECTED = [
  'rule disabled on the firewall: allow servers (10.20.20.15) → ai (10.20.40.10) tcp 4000 (ai-gateway: OpenAI-compatible gateway in front of the AI mesh)',
  'rule changed on the firewall: allow servers (10.20.20.15) → mgmt (10.20.10.11) tcp 2049 (nfs: NFS export of the tank pool); now allow servers (10.20.20.15) → mgmt (10.20.10.11, 10.20.10.99) tcp 2050 (nfs: NFS export of the tank pool)',
  'rule missing on the firewall: allow servers (10.20.20.16) → mgmt (10.20.10.11) tcp 3493 (nut: the NUT exporter on the monitor reads the UPS)',
  'rule added on the firewall: allow devops → any tcp 8443 (temporary admin)',
  'rule moved on the firewall: allow servers → firewall tcp 53 (DNS over TCP to the firewall resolver)',
  'address set changed on the firewall: host_pve1: 10.20.10.11; now host_pve1: 10.20.10.11, 10.20.10.99',
  'interface changed on the firewall: opt3 (ai) on igb1.40: 10.20.40.1/24; now opt3 (ai) on igb1.40: 10.20.40.254/24',
  'VLAN changed on the firewall: VLAN 66 on igb1 (security); now VLAN 66 on igb1 (honeypot)',
];

// ---- VyOS: `show configuration commands` of a router that ran the script, then changes ----

/** The rendered set lines as VyOS prints them: tag node names bare, values quoted, in its tree's order. */
function asShown(lines: readonly string[]): string[] {
  const TAGS = new Set([
    'shared-network-name',
    'subnet',
    'static-mapping',
    'authoritative-domain',
    'records',
    'a',
    'server',
  ]);
  const quote = (w: string) => (/^[A-Za-z0-9_.:/!-]+$/.test(w) ? w : `'${w}'`);
  return lines
    .map((l) => {
      const w = setTokens(l);
      const out = w.map((t, i) =>
        i === w.length - 1 &&
        !TAGS.has(w[i - 1] ?? '') &&
        w.length > 1 &&
        !/^(log|authoritative|system|default-log)$/.test(t)
          ? `'${t}'`
          : quote(t),
      );
      return `set ${out.join(' ')}`;
    })
    .sort();
}

/** The number of the servers_fwd rule with this description and source group. */
function ruleNumber(lines: readonly string[], descr: string, source: string): string {
  const numbers = (re: RegExp) => new Set(lines.flatMap((l) => re.exec(l)?.[1] ?? []));
  const byDescr = numbers(new RegExp(`servers_fwd rule (\\d+) description '${descr}`));
  const bySource = numbers(new RegExp(`servers_fwd rule (\\d+) source group address-group '?${source}'?$`));
  const both = [...byDescr].filter((n) => bySource.has(n));
  if (both.length !== 1) throw new Error(`servers_fwd: ${both.length} rules ${descr} from ${source}`);
  return both[0]!;
}

function plantVyos(lines: readonly string[]): string {
  let out = [...lines];
  const nfs = nfsRule;
  const nut = nutRule;
  // 1. a rule's port changed
  out = out.map((l) =>
    l === `set firewall ipv4 name servers_fwd rule ${nfs} destination port '2049'`
      ? `set firewall ipv4 name servers_fwd rule ${nfs} destination port '2050'`
      : l,
  );
  // 2. a rule deleted
  out = out.filter((l) => !l.startsWith(`set firewall ipv4 name servers_fwd rule ${nut} `));
  // 3. a rule added
  out.push(
    "set firewall ipv4 name devops_fwd rule 900 action 'accept'",
    "set firewall ipv4 name devops_fwd rule 900 description 'temporary admin'",
    "set firewall ipv4 name devops_fwd rule 900 destination port '8443'",
    "set firewall ipv4 name devops_fwd rule 900 protocol 'tcp'",
  );
  // 4. an address group's content changed
  out.push("set firewall group address-group host_pve1 address '10.20.10.99'");
  // 5. a VLAN interface's address changed
  out = out.map((l) =>
    l === "set interfaces ethernet eth1 vif 40 address '10.20.40.1/24'"
      ? "set interfaces ethernet eth1 vif 40 address '10.20.40.254/24'"
      : l,
  );
  // 7. a rule renumbered to the end of its chain (evaluated last)
  out = out.map((l) => l.replace('servers_in rule 20 ', 'servers_in rule 65 '));
  // 6. a fixed lease's address changed
  out = out.map((l) =>
    l.includes('static-mapping pve2 ip-address') ? l.replace('10.20.10.12', '10.20.10.42') : l,
  );
  // What VyOS and its installer write by themselves, outside what Beelab renders: no drift.
  out.push(
    "set interfaces ethernet eth0 hw-id '52:54:00:12:34:56'",
    "set interfaces ethernet eth1 hw-id '52:54:00:12:34:57'",
    'set interfaces ethernet eth1 offload gro',
    'set interfaces loopback lo',
    // The installer's NTP service, which the rendered script (set only) leaves beside its own lines.
    ...[
      '127.0.0.0/8',
      '169.254.0.0/16',
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '::1/128',
      'fe80::/10',
      'fc00::/7',
    ].map((a) => `set service ntp allow-client address '${a}'`),
    'set service ntp server time3.vyos.net',
    "set service ssh port '22'",
    "set system config-management commit-revisions '100'",
    "set system console device ttyS0 speed '115200'",
    "set system login user vyos authentication encrypted-password '$6$rounds=656000$x$y'",
    "set system login user vyos authentication public-keys beelab-drift key 'AAAAC3NzaC1lZDI1NTE5AAAA'",
    "set system syslog global facility all level 'info'",
  );
  return `${out.sort().join('\n')}\n`;
}

const VYOS_EXPECTED = (nfs: string, nut: string) => [
  `rule changed on the firewall: allow servers (10.20.20.15) → mgmt (10.20.10.11) tcp 2049 (nfs: NFS export of the tank pool) [servers_fwd rule ${nfs}]; now allow servers (10.20.20.15) → mgmt (10.20.10.11, 10.20.10.99) tcp 2050 (nfs: NFS export of the tank pool) [servers_fwd rule ${nfs}]`,
  `rule missing on the firewall: allow servers (10.20.20.16) → mgmt (10.20.10.11) tcp 3493 (nut: the NUT exporter on the monitor reads the UPS) [servers_fwd rule ${nut}]`,
  'rule added on the firewall: allow devops → any tcp 8443 (temporary admin) [devops_fwd rule 900]',
  'rule moved on the firewall: allow servers → firewall tcp 53 (DNS over TCP to the firewall resolver) [servers_in rule 20]',
  'address set changed on the firewall: host_pve1: 10.20.10.11; now host_pve1: 10.20.10.11, 10.20.10.99',
  'VLAN changed on the firewall: VLAN 40 on eth1 (ai): 10.20.40.1/24; now VLAN 40 on eth1 (ai): 10.20.40.254/24',
  'host mapping changed on the firewall: pve2 → 10.20.10.12 (58:47:ca:70:00:02) on mgmt; now pve2 → 10.20.10.42 (58:47:ca:70:00:02) on mgmt',
];

// ---- the SSH server ----

let sshd: ChildProcess | undefined;
let sshdLog = '';
let port = 0;
let identity = '';
let recipient = '';
const key = join(tmp, 'id_ed25519');
const commandLog = join(tmp, 'commands.log');
const knownHosts = join(tmp, 'known_hosts');
const sites = { pfsense: '', vyos: '' };
const files = { pfsense: join(tmp, 'config.xml'), vyos: join(tmp, 'commands.txt') };
let nfsRule = '';
let nutRule = '';

/** Each client key's forced command: logs the command the client asked for, answers only the real ones. */
function authorizedKeys(pubs: readonly string[]): string {
  const script = join(tmp, 'firewall.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$SSH_ORIGINAL_COMMAND" >> '${commandLog}'`,
      'case "$SSH_ORIGINAL_COMMAND" in',
      `  '${PFSENSE_FETCH_COMMAND}') exec cat '${files.pfsense}' ;;`,
      `  '${VYOS_FETCH_COMMAND}') exec cat '${files.vyos}' ;;`,
      `  *) echo "sh: \${SSH_ORIGINAL_COMMAND%% *}: not found" >&2; exit 127 ;;`,
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return pubs.map((p) => `command="${script}",restrict ${p.trim()}\n`).join('');
}

async function waitPort(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(p, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${p}: ${sshdLog}`);
}

const sshOpts = (extra: DriftOptions = {}): DriftOptions => ({
  host: '127.0.0.1',
  port,
  user: USER,
  identity: key,
  knownHosts,
  ...extra,
});
const commands = () => readFileSync(commandLog, 'utf8').split('\n').filter(Boolean);

describe.runIf(
  needTool('ssh', 'apt-get install openssh-client') &&
    needTool('ssh-keygen', 'apt-get install openssh-client') &&
    needTool('/usr/sbin/sshd', 'apt-get install openssh-server') &&
    needTool('git', 'apt-get install git'),
)('beelab drift over SSH against a real sshd on 127.0.0.1', () => {
  beforeAll(async () => {
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
    writeFileSync(join(tmp, 'age.key'), `${identity}\n`);
    sites.pfsense = await makeSite('pfsense', recipient);
    sites.vyos = await makeSite('vyos', recipient);
    writeFileSync(files.pfsense, plantPfsense(readFileSync(join(sites.pfsense, PFSENSE_CONFIG), 'utf8')));
    const shown = asShown(vyosCommandLines(readFileSync(join(sites.vyos, VYOS_SCRIPT), 'utf8')));
    nfsRule = ruleNumber(shown, 'nfs: NFS export', 'role_docker');
    nutRule = ruleNumber(shown, 'nut: the NUT', 'role_prometheus');
    writeFileSync(files.vyos, plantVyos(shown));

    keygen(join(tmp, 'host_ed25519'));
    keygen(key);
    keygen(join(tmp, 'other'));
    writeFileSync(join(tmp, 'authorized_keys'), authorizedKeys([readFileSync(`${key}.pub`, 'utf8')]));
    port = await freePort();
    writeFileSync(
      join(tmp, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(tmp, 'host_ed25519')}`,
        `AuthorizedKeysFile ${join(tmp, 'authorized_keys')}`,
        'PidFile none',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    // sshd wants its privilege separation directory when it runs as root.
    if (isRoot()) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(tmp, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    sshd.stderr!.on('data', (c: Buffer) => {
      sshdLog += c.toString();
    });
    await waitPort(port);
    // The site pins the server's host key, as `ssh-keyscan` prints it.
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(join(tmp, 'host_ed25519.pub'), 'utf8')}`);
  }, 90_000);

  afterAll(async () => {
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd!.once('exit', r));
      sshd.kill();
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('pfSense: finds each planted change and nothing of what pfSense rewrites', () => {
    const mine = pfsenseItems(readFileSync(join(sites.pfsense, PFSENSE_CONFIG), 'utf8'), ZONES);
    expect(compareItems(mine, mine)).toEqual([]);
    const drifts = compareItems(mine, pfsenseItems(readFileSync(files.pfsense, 'utf8'), ZONES));
    expect(drifts.map((d) => d.text)).toEqual(PF_EXPECTED);
    expect(drifts.filter((d) => d.change === 'changed').map((d) => d.fields)).toEqual([
      ['disabled: (none) → 1'],
      ['destination.port: 2049 → 2050'],
      ['address: 10.20.10.11 → 10.20.10.11 10.20.10.99'],
      ['ipaddr: 10.20.40.1 → 10.20.40.254'],
      ['descr: security → honeypot'],
    ]);
  });

  it('pfSense: reads /conf/config.xml over SSH with the pinned host key and reports the drift', async () => {
    writeFileSync(commandLog, '');
    const r = await driftSite(sites.pfsense, sshOpts(), quiet);
    expect(r.url).toBe(`ssh://${USER}@127.0.0.1:${port}`);
    expect(r.drifts.map((d) => d.text)).toEqual(PF_EXPECTED);
    // Second in the list before, now just above the default deny, the last of the list on the firewall.
    const onServers = readFileSync(files.pfsense, 'utf8').split('<interface>opt1</interface>').length - 1;
    expect(r.drifts.find((d) => d.change === 'moved')?.fields).toEqual([
      `place in servers (opt1): 2 → ${onServers - 1}`,
    ]);
    expect(commands()).toEqual(['cat</conf/config.xml']);
  });

  it("pfSense: the command survives the menu shell's unquoted `/bin/sh -c $1` (its login shell for admin)", () => {
    // /etc/rc.initial's handling of `-c`, run by a real sh; only the file's path differs on a real pfSense.
    const rcInitial = (command: string) =>
      spawnSync('/bin/sh', ['-c', 'shift; /bin/sh -c $1', 'rc.initial', '-c', command], {
        input: '',
        encoding: 'utf8',
      }).stdout;
    const here = (command: string) => command.replace('/conf/config.xml', files.pfsense);
    expect(rcInitial(here(PFSENSE_FETCH_COMMAND))).toBe(readFileSync(files.pfsense, 'utf8'));
    // What a blank would do: `cat` without its argument, reading the empty standard input.
    expect(rcInitial(here('cat /conf/config.xml'))).toBe('');
  });

  it('VyOS: reads `show configuration commands` over SSH and finds each planted change and nothing VyOS wrote', async () => {
    writeFileSync(commandLog, '');
    const r = await driftSite(sites.vyos, sshOpts(), quiet);
    expect(r.drifts.map((d) => d.text)).toEqual(VYOS_EXPECTED(nfsRule, nutRule));
    expect(r.drifts.filter((d) => d.change === 'changed').map((d) => d.fields)).toEqual([
      ['destination port: 2049 → 2050'],
      ['address: 10.20.10.11 → 10.20.10.11, 10.20.10.99'],
      ['address: 10.20.40.1/24 → 10.20.40.254/24'],
      ['ip-address: 10.20.10.12 → 10.20.10.42'],
    ]);
    // Second in its chain before, renumbered to the chain's end.
    const inChain = new Set(
      [...readFileSync(files.vyos, 'utf8').matchAll(/name servers_in rule (\d+) /g)].map((m) => m[1]),
    ).size;
    expect(r.drifts.find((d) => d.change === 'moved')?.fields).toEqual([
      `place in servers_in: 2 → ${inChain}`,
    ]);
    expect(commands()).toEqual(['/opt/vyatta/bin/vyatta-op-cmd-wrapper show configuration commands']);
  });

  it('from the command line: the differences, and exit 1 with --exit-code', async () => {
    const bin = new URL('../../../bin/beelab.mjs', import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'drift',
        sites.pfsense,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--user',
        USER,
        '--identity',
        key,
        '--known-hosts',
        knownHosts,
        '--exit-code',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      `8 difference(s) between the rendered ${PFSENSE_CONFIG} and fw (ssh://${USER}@127.0.0.1:${port}):`,
    );
    for (const line of PF_EXPECTED) expect(r.stdout).toContain(`  ${line}\n`);
    expect(r.stdout).toContain('      destination.port: 2049 → 2050\n');
  }, 60_000);

  it('never trusts an unpinned or changed host key, and names a refused key, a closed port, a missing ssh', async () => {
    writeFileSync(join(tmp, 'empty_known_hosts'), '');
    await expect(
      driftSite(sites.pfsense, sshOpts({ knownHosts: join(tmp, 'empty_known_hosts') }), quiet),
    ).rejects.toMatchObject({
      message: `the host key of [127.0.0.1]:${port} is not pinned in ${join(tmp, 'empty_known_hosts')}`,
      details: expect.arrayContaining([
        `    ssh-keyscan -t ed25519 -p ${port} 127.0.0.1 >> ${join(tmp, 'empty_known_hosts')}`,
      ]),
    });
    // Nothing was written into the file: no trust on first use.
    expect(readFileSync(join(tmp, 'empty_known_hosts'), 'utf8')).toBe('');
    writeFileSync(
      join(tmp, 'wrong_known_hosts'),
      `[127.0.0.1]:${port} ${readFileSync(join(tmp, 'other.pub'), 'utf8')}`,
    );
    await expect(
      driftSite(sites.pfsense, sshOpts({ knownHosts: join(tmp, 'wrong_known_hosts') }), quiet),
    ).rejects.toThrow(
      `the host key of [127.0.0.1]:${port} is not the one pinned in ${join(tmp, 'wrong_known_hosts')}`,
    );
    const other = join(tmp, 'other');
    const refused = driftSite(sites.pfsense, sshOpts({ identity: other }), quiet);
    await expect(refused).rejects.toThrow(`${USER}@[127.0.0.1]:${port} refused the key ${other}`);
    await expect(refused).rejects.toMatchObject({
      details: expect.arrayContaining([`        ${readFileSync(`${other}.pub`, 'utf8').trim()}`]),
    });
    await expect(driftSite(sites.vyos, sshOpts({ identity: other }), quiet)).rejects.toMatchObject({
      details: expect.arrayContaining([
        `        set system login user ${USER} authentication public-keys beelab-drift type 'ssh-ed25519'`,
      ]),
    });
    const closed = await freePort();
    await expect(driftSite(sites.pfsense, sshOpts({ port: closed }), quiet)).rejects.toThrow(
      `cannot reach [127.0.0.1]:${closed} over SSH`,
    );
    const path = process.env.PATH;
    process.env.PATH = join(tmp, 'no-such-dir');
    try {
      await expect(driftSite(sites.pfsense, sshOpts(), quiet)).rejects.toThrow(/ssh is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('logs in with the key `beelab apply` generates into secrets/, read from the site pin by default', async () => {
    const before = process.env[IDENTITY_ENV];
    process.env[IDENTITY_ENV] = join(tmp, 'age.key');
    try {
      const dir = sites.vyos;
      const { site } = await loadProject(dir);
      const store = SecretStore.open(dir);
      await expect(driftSite(dir, sshOpts({ identity: undefined }), quiet)).rejects.toThrow(
        `no ${FIREWALL_SSH_SECRET} in secrets/`,
      );
      const made = await ensureSecrets(site, store);
      expect(made.created).toContain(FIREWALL_SSH_SECRET);
      const first = await store.read(FIREWALL_SSH_SECRET, await loadIdentity());
      expect(first).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      // `secrets rotate` makes a new key with ssh-keygen (the old one kept under secrets/rotated/).
      await secretsRotate(dir, FIREWALL_SSH_SECRET, quiet);
      const secret = await SecretStore.open(dir).read(FIREWALL_SSH_SECRET, await loadIdentity());
      expect(secret).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      expect(secret).not.toBe(first);
      // Not yet on the firewall: refused, with the public key to install.
      await expect(driftSite(dir, sshOpts({ identity: undefined }), quiet)).rejects.toThrow(
        /refused the key/,
      );
      writeFileSync(join(tmp, 'made'), secret, { mode: 0o600 });
      const pub = run('ssh-keygen', ['-y', '-f', join(tmp, 'made')]);
      writeFileSync(join(tmp, 'authorized_keys'), authorizedKeys([readFileSync(`${key}.pub`, 'utf8'), pub]));
      // The pin in the site's own file (network/known_hosts), the default.
      writeFileSync(join(dir, KNOWN_HOSTS_PATH), readFileSync(knownHosts, 'utf8'));
      const r = await driftSite(dir, sshOpts({ identity: undefined, knownHosts: undefined }), quiet);
      expect(r.drifts).toHaveLength(7);
    } finally {
      if (before === undefined) delete process.env[IDENTITY_ENV];
      else process.env[IDENTITY_ENV] = before;
      rmSync(join(sites.vyos, KNOWN_HOSTS_PATH), { force: true });
      spawnSync('git', ['checkout', '--quiet', '--', '.'], { cwd: sites.vyos });
      spawnSync('git', ['clean', '-fdq', '--', 'secrets'], { cwd: sites.vyos });
    }
  });

  it('--export keeps the live items in the repository as one commit, without users, hashes or keys', async () => {
    for (const platform of ['pfsense', 'vyos'] as const) {
      const dir = sites[platform];
      const r = await driftSite(dir, sshOpts({ export: true }), quiet);
      expect(r.exported).toMatch(/^[0-9a-f]{7,}$/);
      const git = (...args: string[]) =>
        spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout.trimEnd();
      const file = EXPORT_PATHS[platform];
      expect(git('log', '-1', '--format=%s')).toBe(
        `${platform}: export ${file.split('/').at(-1)} from fw (${r.drifts.length} difference(s) from beelab.yaml)`,
      );
      expect(git('show', '--name-only', '--format=', 'HEAD')).toBe(file);
      const exported = readFileSync(join(dir, file), 'utf8');
      expect(exported).not.toContain('encrypted-password');
      expect(exported).not.toContain('public-keys');
      expect(exported).not.toContain('<revision>');
      if (platform === 'pfsense') {
        expect(exported).toContain('<port>2050</port>');
        // The export holds the same items the firewall runs.
        const live = pfsenseItems(readFileSync(files.pfsense, 'utf8'), ZONES).filter(
          (i) => i.kind !== 'setting',
        );
        expect(pfsenseItems(exported, ZONES).filter((i) => i.kind !== 'setting')).toEqual(live);
      } else {
        expect(exported).toContain("destination port '2050'");
        expect(exported).not.toContain('hw-id');
      }
    }
  });
});
