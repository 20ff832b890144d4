// The lab's expectations come from the policy form alone; check them against what the issue demands.
import { describe, expect, it } from 'vitest';
import { fixtureSite } from '../../test/support/network-fixture.ts';
import { compilePolicy } from '../layers/network/policy/compile.ts';
import { evaluate, type Packet } from './evaluate.ts';

const site = fixtureSite();
const policy = compilePolicy(site);
const fw = new Set(site.vlans.map((v) => v.gateway));

const cases: [string, Packet, 'pass' | 'block'][] = [
  [
    'prometheus scrapes node_exporter',
    { from: 'servers', src: '10.20.20.10', dst: '10.20.10.11', proto: 'tcp', port: 9100 },
    'pass',
  ],
  [
    'another server may not',
    { from: 'servers', src: '10.20.20.11', dst: '10.20.10.11', proto: 'tcp', port: 9100 },
    'block',
  ],
  [
    'prometheus only on 9100',
    { from: 'servers', src: '10.20.20.10', dst: '10.20.10.11', proto: 'tcp', port: 22 },
    'block',
  ],
  [
    'management reaches everything',
    { from: 'mgmt', src: '10.20.10.99', dst: '10.20.50.10', proto: 'udp', port: 5000 },
    'pass',
  ],
  [
    'clients reach apps on 443',
    { from: 'clients', src: '10.20.60.150', dst: '10.20.20.11', proto: 'tcp', port: 443 },
    'pass',
  ],
  [
    'clients do not reach monitor',
    { from: 'clients', src: '10.20.60.150', dst: '10.20.20.10', proto: 'tcp', port: 443 },
    'block',
  ],
  [
    'DNS to the firewall from anywhere',
    { from: 'security', src: '10.20.50.10', dst: '10.20.50.1', proto: 'udp', port: 53 },
    'pass',
  ],
  [
    'security reaches nothing internal',
    { from: 'security', src: '10.20.50.10', dst: '10.20.20.11', proto: 'tcp', port: 443 },
    'block',
  ],
  [
    'limited egress: web',
    { from: 'security', src: '10.20.50.10', dst: '203.0.113.10', proto: 'tcp', port: 443 },
    'pass',
  ],
  [
    'limited egress: not SSH',
    { from: 'security', src: '10.20.50.10', dst: '203.0.113.10', proto: 'tcp', port: 22 },
    'block',
  ],
  [
    'egress is not a path to private space',
    { from: 'clients', src: '10.20.60.150', dst: '192.168.1.1', proto: 'tcp', port: 80 },
    'block',
  ],
  [
    'the internet reaches nothing',
    { from: 'wan', src: '203.0.113.10', dst: '10.20.20.11', proto: 'tcp', port: 443 },
    'block',
  ],
  [
    'SSH to the firewall only from management',
    { from: 'ai', src: '10.20.40.10', dst: '10.20.40.1', proto: 'tcp', port: 22 },
    'block',
  ],
];

describe('policy evaluation', () => {
  it.each(cases)('%s', (_, packet, action) => {
    expect(evaluate(policy, fw, packet).action).toBe(action);
  });
});
