// The rendered unit passes systemd-analyze verify; the plist parses as XML with the expected keys.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { needTool } from '../../test/support/tools.ts';
import {
  GATEWAY_NODE_FLAGS,
  renderLaunchdPlist,
  renderSystemdUnit,
  type ServiceOptions,
} from './service-files.ts';

const opts: ServiceOptions = {
  node: process.execPath,
  entry: '/opt/beelab-gateway/beelab-gateway.mjs',
  config: '/etc/beelab/gateway.yaml',
  port: 4000,
  stopTimeoutSec: 35,
};

describe('systemd unit', () => {
  it('is hardened', () => {
    const unit = renderSystemdUnit(opts);
    for (const line of [
      'DynamicUser=yes',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'TimeoutStopSec=35s',
    ]) {
      expect(unit).toContain(`\n${line}\n`);
    }
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    // The service runs the plain-JS bundle, not the tsx-run CLI.
    expect(unit).toContain(
      `\nExecStart=${[opts.node, ...GATEWAY_NODE_FLAGS, opts.entry].join(' ')} --config \${CREDENTIALS_DIRECTORY}/gateway.yaml\n`,
    );
    expect(unit).not.toContain('tsx');
    expect(renderSystemdUnit({ ...opts, port: 443 })).toContain(
      '\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n',
    );
  });

  it('passes systemd-analyze verify', async () => {
    if (!needTool('systemd-analyze', 'apt-get install systemd')) return;
    const dir = await mkdtemp(join(tmpdir(), 'beelab-unit-'));
    try {
      const file = join(dir, 'beelab-gateway.service');
      await writeFile(file, renderSystemdUnit(opts));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
      // systemd only warns (exit 0) about bad values, so any line naming our file is a failure;
      // complaints about other units on this host are not ours.
      const ours = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('beelab-gateway.service'));
      expect(ours).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('launchd plist', () => {
  it('parses as XML with the program, user and keep-alive', () => {
    const text = renderLaunchdPlist({ ...opts, config: '/Users/me/gateway & co.yaml' });
    const doc = new XMLParser({ ignoreAttributes: false, preserveOrder: false }).parse(text) as {
      plist: { dict: { key: string[]; string: string[]; array: { string: string[] } } };
    };
    const dict = doc.plist.dict;
    expect(dict.key).toEqual(
      expect.arrayContaining([
        'Label',
        'ProgramArguments',
        'UserName',
        'KeepAlive',
        'Umask',
        'ExitTimeOut',
        'RunAtLoad',
      ]),
    );
    expect(dict.string).toContain('com.beelab.gateway');
    expect(dict.array.string).toEqual([
      opts.node,
      ...GATEWAY_NODE_FLAGS,
      opts.entry,
      '--config',
      '/Users/me/gateway & co.yaml',
    ]);
  });
});
