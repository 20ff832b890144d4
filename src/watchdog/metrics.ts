// Prometheus text exposition for the watchdog, written by hand: a dozen series do not justify a client library.
import type { Phase } from './state-machine.ts';

const PHASES: Phase[] = ['healthy', 'failing', 'down', 'gave-up'];

/** Counters and gauges the engine updates; `render()` is what /metrics serves. */
export class WatchdogMetrics {
  readonly up = new Map<string, number>();
  readonly phase = new Map<string, Phase>();
  readonly failures = new Map<string, number>();
  readonly cyclesInWindow = new Map<string, number>();
  readonly probeSeconds = new Map<string, number>();
  readonly actions = new Map<string, number>();
  readonly skipped = new Map<string, number>();
  selfLinkUp = 1;
  alertFailures = 0;

  count(map: Map<string, number>, labels: string): void {
    map.set(labels, (map.get(labels) ?? 0) + 1);
  }

  render(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string, rows: [string, number][]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of rows) out.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    const byTarget = (m: Map<string, number>) =>
      [...m].map(([t, v]): [string, number] => [`target="${esc(t)}"`, v]);
    family(
      'beelab_watchdog_target_up',
      'gauge',
      'Last probe round passed (1) or failed (0).',
      byTarget(this.up),
    );
    family(
      'beelab_watchdog_target_phase',
      'gauge',
      'State machine phase of each target (1 = current).',
      [...this.phase].flatMap(([t, p]) =>
        PHASES.map((ph): [string, number] => [`target="${esc(t)}",phase="${ph}"`, ph === p ? 1 : 0]),
      ),
    );
    family(
      'beelab_watchdog_consecutive_failures',
      'gauge',
      'Consecutive counted probe failures.',
      byTarget(this.failures),
    );
    family(
      'beelab_watchdog_cycles_in_window',
      'gauge',
      'Power cycles inside the cap window.',
      byTarget(this.cyclesInWindow),
    );
    family(
      'beelab_watchdog_probe_duration_seconds',
      'gauge',
      'Duration of the last probe round.',
      byTarget(this.probeSeconds),
    );
    family('beelab_watchdog_actions_total', 'counter', 'Restart and power actions by result.', [
      ...this.actions,
    ]);
    family('beelab_watchdog_skipped_actions_total', 'counter', 'Actions held back, by reason.', [
      ...this.skipped,
    ]);
    family('beelab_watchdog_self_link_up', 'gauge', "Last check of the watchdog's own link.", [
      ['', this.selfLinkUp],
    ]);
    family('beelab_watchdog_alert_failures_total', 'counter', 'Alerts not delivered after retries.', [
      ['', this.alertFailures],
    ]);
    return `${out.join('\n')}\n`;
  }
}

export function esc(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
