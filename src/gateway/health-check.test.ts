// Health checker on a manual clock: interval, down after N failures, loading is not routable, discovery.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.ts';
import { Backend } from './backend.ts';
import { gatewayConfigSchema } from './config-schema.ts';
import { HealthChecker, type HealthResult } from './health-check.ts';

const config = gatewayConfigSchema.parse({
  backends: [{ name: 'a', kind: 'llamacpp', url: 'http://127.0.0.1:9' }],
  auth: { required: false },
  health: { intervalMs: 1000, unhealthyAfter: 2 },
});

describe('health checker', () => {
  it('checks on its interval, marks down after N failures, and tracks loading and models', async () => {
    const clock = new ManualClock();
    const b = new Backend(config.backends[0]!, config, clock);
    const answers: HealthResult[] = [
      { state: 'up', models: ['m1'] },
      { state: 'down', error: 'ECONNREFUSED' },
      { state: 'down', error: 'ECONNREFUSED' },
      { state: 'loading', error: '/health answered 503 (model loading)' },
      { state: 'up', models: ['m1', 'm2'] },
    ];
    let calls = 0;
    let changes = 0;
    const hc = new HealthChecker(
      [b],
      config.health,
      clock,
      () => changes++,
      async () => answers[calls++]!,
    );
    await hc.runOnce();
    expect([b.health, [...b.models]]).toEqual(['up', ['m1']]);
    hc.start();
    const tick = async () => {
      clock.advance(1000);
      await new Promise((r) => setImmediate(r));
    };
    await tick();
    expect(b.health).toBe('up'); // one failure is not enough for a backend that was serving
    expect(b.routable).toBe(true);
    await tick();
    expect(b.health).toBe('down');
    expect(b.routable).toBe(false);
    await tick();
    expect(b.health).toBe('loading');
    expect(b.routable).toBe(false);
    await tick();
    expect([b.health, [...b.models]]).toEqual(['up', ['m1', 'm2']]);
    expect(calls).toBe(5);
    expect(changes).toBe(4);
    hc.stop();
    clock.advance(5000);
    expect(calls).toBe(5);
  });
});
