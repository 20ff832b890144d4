// Single-answer checks: valid and invalid values, with real keys from ssh-keygen when it is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needTool, requireTool } from '../../test/support/tools.ts';
import { formatAlert, parseAlert } from '../init/alert-target.ts';
import { parseSiteSpec } from '../project/spec.ts';
import {
  checkAlertTarget,
  checkCalendar,
  checkDnsName,
  checkDomain,
  checkDriveId,
  checkFirewallNic,
  checkIpv4,
  checkLayoutDrives,
  checkMac,
  checkNic,
  checkPoolName,
  checkRelayHost,
  checkSshKey,
  checkSupernet,
  checkTimezone,
} from './fields.ts';

describe('checkSupernet', () => {
  it.each(['10.0.0.0/8', '10.20.0.0/16', '172.16.0.0/12', '192.168.64.0/18', '10.1.4.0/22', '10.1.4.0/24'])(
    '%s is fine',
    (v) => {
      expect(checkSupernet(v)).toBeUndefined();
    },
  );
  it.each([
    ['10.20.0.0', 'CIDR notation'],
    ['10.20.0.0/33', 'CIDR notation'],
    ['300.1.0.0/16', 'CIDR notation'],
    ['100.64.0.0/10', 'not a private range'],
    ['8.8.8.0/24', 'not a private range'],
    ['192.168.1.0/16', 'did you mean 192.168.0.0/16'],
    ['10.20.0.0/25', 'too small'],
    ['010.20.0.0/16', 'CIDR notation'],
  ])('%s: %s', (v, fragment) => {
    expect(checkSupernet(v)).toContain(fragment);
  });
});

describe('names, NICs and drives', () => {
  it.each([
    [checkDnsName, 'lab', true],
    [checkDnsName, 'my-lab2', true],
    [checkDnsName, 'My_Lab', false],
    [checkDnsName, '2lab', false],
    [checkDnsName, 'lab-', false],
    [checkNic, 'enp2s0f0np0', true],
    [checkNic, 'eth 0', false],
    [checkDriveId, '/dev/disk/by-id/nvme-Samsung_SSD_990_PRO_4TB_S7KGNU0X500111K', true],
    [checkDriveId, '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', true],
    [checkDriveId, '/dev/sda', false],
    [checkDriveId, '/dev/disk/by-id/', false],
    [checkDriveId, '/dev/disk/by-uuid/1234', false],
  ] as const)('%o(%s) ok=%s', (check, value, ok) => {
    expect(check(value) === undefined).toBe(ok);
  });

  it.each([
    ['mirror', 2, undefined],
    ['mirror', 3, 'pairs drives'],
    ['raidz1', 2, 'at least 3'],
    ['raidz2', 4, undefined],
    ['single', 2, 'exactly 1'],
    ['stripe', 1, undefined],
  ] as const)('layout %s with %d drives', (layout, n, fragment) => {
    const msg = checkLayoutDrives(layout, n);
    if (fragment === undefined) expect(msg).toBeUndefined();
    else expect(msg).toContain(fragment);
  });
});

describe('checkSshKey', () => {
  const ed25519 =
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIXPGGG me@laptop';

  it('accepts a whole key and rejects a cut or mislabelled one', () => {
    expect(checkSshKey(ed25519)).toBeUndefined();
    expect(checkSshKey(ed25519.slice(0, 50))).toContain('cut or corrupted');
    expect(checkSshKey(ed25519.replace('ssh-ed25519', 'ssh-rsa'))).toContain('cut or corrupted');
    expect(checkSshKey('ssh-dss AAAAB3NzaC1kc3M=')).toContain('not an OpenSSH public key');
    expect(checkSshKey('-----BEGIN OPENSSH PRIVATE KEY-----')).toContain('not an OpenSSH public key');
  });

  it('accepts the keys ssh-keygen makes (ed25519, rsa, ecdsa) and rejects them cut', (ctx) => {
    requireTool(ctx, 'ssh-keygen', 'apt-get install openssh-client');
    const dir = mkdtempSync(join(tmpdir(), 'beelab-keys-'));
    try {
      for (const type of ['ed25519', 'rsa', 'ecdsa']) {
        const file = join(dir, type);
        execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'test@beelab', '-f', file]);
        const pub = readFileSync(`${file}.pub`, 'utf8').trim();
        expect(checkSshKey(pub), type).toBeUndefined();
        expect(checkSshKey(pub.slice(0, pub.indexOf(' ') + 40)), type).toContain('cut or corrupted');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alert targets', () => {
  it.each([
    ['admin@example.com', { type: 'email', target: 'admin@example.com' }],
    ['https://ntfy.sh/lab', { type: 'ntfy', target: 'https://ntfy.sh/lab' }],
    ['https://hooks.example.com/x', { type: 'webhook', target: 'https://hooks.example.com/x' }],
    ['!room:matrix.org', { type: 'matrix', target: '!room:matrix.org' }],
    ['ntfy:https://push.example.net/lab', { type: 'ntfy', target: 'https://push.example.net/lab' }],
  ])('%s', (text, channel) => {
    expect(parseAlert(text)).toEqual(channel);
    expect(formatAlert(channel as never)).toBe(text);
  });

  it.each(['somewhere', 'email:https://x.example.com', 'matrix:admin@example.com'])(
    '%s is refused',
    (text) => {
      expect(typeof parseAlert(text)).toBe('string');
    },
  );
});

describe('issue 9 field checks: each says what is allowed', () => {
  it.each<[string, (v: string) => string | undefined, string, string | undefined]>([
    ['nic', checkNic, 'enp2s0f0np0', undefined],
    ['nic', checkNic, 'a'.repeat(16), 'at most 15'],
    ['nic', checkNic, 'eth0:1', '":" at position 5'],
    ['nic', checkNic, 'eth/0', '"/" at position 4'],
    ['nic', checkNic, 'eth\n0', '"\\n" at position 4'],
    ['nic', checkNic, '0eth', 'starting with a letter'],
    ['ipv4', checkIpv4, '10.20.10.5', undefined],
    ['ipv4', checkIpv4, '10.20.010.5', 'leading zero'],
    ['ipv4', checkIpv4, '10.20.10.256', 'over 255'],
    ['ipv4', checkIpv4, '10.20.10', 'four numbers'],
    ['mac', checkMac, 'bc:24:11:00:00:01', undefined],
    ['mac', checkMac, '02:00:00:00:00:01', undefined],
    ['mac', checkMac, '01:80:c2:00:00:00', 'multicast'],
    ['mac', checkMac, 'ff:ff:ff:ff:ff:ff', 'broadcast'],
    ['mac', checkMac, '00:00:00:00:00:00', 'all-zero'],
    ['timezone', checkTimezone, 'Europe/Berlin', undefined],
    ['timezone', checkTimezone, 'Etc/GMT-14', undefined],
    ['timezone', checkTimezone, 'UTC', undefined],
    ['timezone', checkTimezone, '../../etc/passwd', 'not a time zone'],
    ['timezone', checkTimezone, 'Europe/Atlantis', 'not a time zone'],
    ['timezone', checkTimezone, 'EUROPE/BERLIN', 'spelled Europe/Berlin'],
    ['domain', checkDomain, 'lab.example.com', undefined],
    ['domain', checkDomain, 'lab..example.com', 'not a domain'],
    ['domain', checkDomain, 'lab.example.c0m', 'letters only'],
    ['pool', checkPoolName, 'tank', undefined],
    ['pool', checkPoolName, 'spare1', 'reserved'],
    ['pool', checkPoolName, 'log', 'vdev type'],
    ['pool', checkPoolName, 'logs', undefined],
    ['relay', checkRelayHost, 'plug-pve1', undefined],
    ['relay', checkRelayHost, '10.20.10.80', undefined],
    ['relay', checkRelayHost, 'plug;id', 'not a host name'],
    ['relay', checkRelayHost, 'plug pve1', 'not a host name'],
    [
      'ssh',
      checkSshKey,
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g a\nb',
      'newline',
    ],
  ])('%s %j', (_kind, check, value, fragment) => {
    const problem = check(value);
    if (fragment === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(fragment);
  });

  it.each<[Parameters<typeof checkFirewallNic>[0], string, string | undefined]>([
    ['opnsense', 'igc0', undefined],
    ['opnsense', 'ixl10', undefined],
    ['opnsense', 'eth0.5', 'FreeBSD'],
    ['pfsense', 'enp1s0', 'FreeBSD'],
    ['vyos', 'eth12', undefined],
    ['vyos', 'eth1.20', 'VyOS'],
    ['vyos', 'igc0', 'VyOS'],
    ['linux', 'enp1s0', undefined],
    ['linux', 'x'.repeat(16), 'at most 15'],
  ])('firewall NIC on %s: %s', (platform, v, fragment) => {
    const problem = checkFirewallNic(platform, v);
    if (fragment === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(fragment);
  });

  it.each<[Parameters<typeof checkAlertTarget>[0], string, string | undefined]>([
    ['email', 'ops@example.com', undefined],
    ['email', 'ops@example.com\nBcc: x@y.z', 'newline'],
    ['email', 'ops', 'not an e-mail address'],
    ['ntfy', 'https://ntfy.sh/lab', undefined],
    ['ntfy', 'javascript:alert(1)', 'not an http(s) URL'],
    ['webhook', 'https://h/x y', 'whitespace'],
    ['matrix', '#lab:matrix.org', undefined],
    ['matrix', 'lab', 'not a Matrix room'],
  ])('alert %s %j', (type, target, fragment) => {
    const problem = checkAlertTarget(type, target);
    if (fragment === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(fragment);
  });
});

describe('checkCalendar', () => {
  // What systemd.time(7) and the Proxmox docs show, and what users write.
  const GOOD = [
    '*-*-* 02:00',
    '02:00',
    'daily',
    'Weekly',
    'sat 03:30',
    'mon..fri 22:00',
    'Sat,Sun *-*-* 02:00 Europe/Berlin',
    '*-*-1 04:00 UTC',
    'Mon *-*-1..7 03:00',
    '*:0/15',
    '*-*-* *:00:00',
    'Friday 23:30',
    '2026-*-01 05:00',
    'Sun *-*-01..07 04:00',
  ];
  const BAD = [
    'every tuesday-ish',
    'at 2am',
    'daily at 02:00',
    'noon',
    '02:00 sometimes',
    'mon..fri 22:00 and sat',
  ];

  it('accepts calendar events and refuses words that are none, saying which', () => {
    for (const v of GOOD) expect(checkCalendar(v), v).toBeUndefined();
    for (const v of BAD) expect(checkCalendar(v), v).toMatch(/is not a systemd calendar event \(".+" is no /);
  });

  it('backup.schedule and backup.cloneSchedule refuse a non-event where they are written', () => {
    const text = readFileSync(new URL('../../examples/compact/beelab.yaml', import.meta.url), 'utf8').replace(
      '  clonezilla: true\n',
      '  clonezilla: true\n  cloneSchedule: first sunday-ish\n',
    );
    const bad = parseSiteSpec(text.replace('schedule: "*-*-* 02:00"', 'schedule: every tuesday-ish'));
    const errors = bad.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => [e.message.split(':')[0], e.location?.line])).toEqual([
      [
        'backup.schedule "every tuesday-ish"',
        text.split('\n').findIndex((l) => l.includes('schedule: "*-*-*')) + 1,
      ],
      [
        'backup.cloneSchedule "first sunday-ish"',
        text.split('\n').findIndex((l) => l.includes('cloneSchedule')) + 1,
      ],
    ]);
  });

  it.runIf(needTool('systemd-analyze', 'apt-get install systemd'))(
    'agrees with systemd-analyze calendar: what it accepts, systemd parses; what it refuses, systemd refuses',
    () => {
      const parses = (v: string) => {
        try {
          execFileSync('systemd-analyze', ['calendar', '--iterations=1', v], { stdio: 'pipe' });
          return true;
        } catch {
          return false;
        }
      };
      for (const v of GOOD) expect(parses(v), v).toBe(true);
      for (const v of BAD) expect(parses(v), v).toBe(false);
    },
  );
});
