// `beelab status` on a render of the reference build, pointed only at the lab: run inside the lab's own
// VLAN namespaces, it sees what the firewall policy lets that VLAN see, and nothing leaves the lab.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, LAB_TOOLS } from './support/tools.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/beelab.mjs', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../examples/reference/beelab.yaml', import.meta.url));

interface StatusResult {
  name: string;
  check: string;
  probe: { kind: string; host: string; port?: number };
  state: 'up' | 'warn' | 'down';
}

const canRun = canRunLab('the status-in-lab test', [...LAB_TOOLS, ['ping', 'apt-get install iputils-ping']]);

let dir: string;
let labId: string;

async function statusFrom(vlanTag: number): Promise<StatusResult[]> {
  const ns = `bllab-${labId}-v${vlanTag}`;
  // Exit 1 means "something is down", which is expected here; the JSON is what we judge.
  const out = await run(
    'ip',
    ['netns', 'exec', ns, process.execPath, BIN, 'status', dir, '--json', '--timeout', '1s'],
    {
      maxBuffer: 16 << 20,
    },
  ).catch((e: { stdout: string }) => e);
  return (JSON.parse(out.stdout) as { results: StatusResult[] }).results;
}

describe.skipIf(!canRun)('beelab status inside the lab', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beelab-status-lab-'));
    await copyFile(REFERENCE, join(dir, 'beelab.yaml'));
    await run(process.execPath, [BIN, 'render', dir]);
    const up = await run(process.execPath, [BIN, 'lab', 'up', dir]);
    labId = /lab ([0-9a-f]+) up in/.exec(up.stdout)![1]!;
  }, 120_000);

  afterAll(async () => {
    if (dir) {
      await run(process.execPath, [BIN, 'lab', 'down', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('from the management VLAN every host answers ping and every service port connects', async () => {
    const results = await statusFrom(10);
    const icmp = results.filter((r) => r.probe.kind === 'icmp');
    const tcp = results.filter((r) => r.probe.kind === 'tcp');
    expect(icmp.length).toBe(25);
    expect(tcp.length).toBeGreaterThan(40);
    expect(icmp.filter((r) => r.state !== 'up').map((r) => r.check)).toEqual([]);
    expect(tcp.filter((r) => r.state !== 'up').map((r) => r.check)).toEqual([]);
    // The lab's listeners echo bytes rather than speak HTTP, so health URLs fail at the protocol: the
    // status engine must report that as down, not as up.
    const http = results.filter((r) => r.probe.kind === 'http');
    expect(http.length).toBeGreaterThan(0);
    expect(http.every((r) => r.state === 'down')).toBe(true);
  }, 60_000);

  it('from the security VLAN nothing internal is reachable but the firewall itself', async () => {
    const results = await statusFrom(66);
    const up = results.filter((r) => r.state === 'up');
    const allowed = (host: string) => host.startsWith('10.20.66.') || host === '10.20.10.1';
    expect(up.length).toBeGreaterThan(0);
    expect(up.filter((r) => !allowed(r.probe.host)).map((r) => r.check)).toEqual([]);
    // And it is the policy, not a dead lab: the honeypot's own VLAN answers.
    expect(up.some((r) => r.probe.host.startsWith('10.20.66.'))).toBe(true);
  }, 60_000);
});
