// Single-answer checks: valid and invalid values, with real keys from ssh-keygen when it is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../test/support/tools.ts';
import { formatAlert, parseAlert } from '../init/alert-target.ts';
import {
  checkDnsName,
  checkDriveId,
  checkLayoutDrives,
  checkNic,
  checkSshKey,
  checkSupernet,
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
