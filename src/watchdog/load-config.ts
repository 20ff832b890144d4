// Reads watchdog.yaml through the kernel's YAML loader: every problem at once, located at file:line:col.
import { formatDuration } from '../kernel/duration.ts';
import { loadYaml, parseYaml, type YamlProblem } from '../kernel/load-yaml.ts';
import {
  DEFAULT_POLICY,
  type Policy,
  type TargetConfig,
  type WatchdogConfig,
  watchdogConfigSchema,
} from './config-schema.ts';

/** A target with `defaults` merged in: what the state machine and the engine read. */
export interface ResolvedTarget
  extends Pick<TargetConfig, 'name' | 'probes' | 'healthyWhen' | 'restart' | 'power'> {
  policy: Policy;
}

const OPTIONS = { what: 'the watchdog config', docs: 'docs/watchdog.md', check: crossChecks };

export async function loadWatchdogConfig(file: string): Promise<WatchdogConfig> {
  return loadYaml(file, watchdogConfigSchema, {
    ...OPTIONS,
    readHint: ['  Pass the watchdog config with --config FILE; examples/watchdog.yaml is a starting point.'],
  });
}

export function parseWatchdogConfig(text: string, file: string): WatchdogConfig {
  return parseYaml(text, file, watchdogConfigSchema, OPTIONS);
}

/** What the schema cannot see on one field: unique names, known window targets, timeout against interval. */
function crossChecks(config: WatchdogConfig): YamlProblem[] {
  const out: YamlProblem[] = [];
  const first = new Map<string, number>();
  config.targets.forEach((t, i) => {
    const seen = first.get(t.name);
    if (seen !== undefined)
      out.push({
        path: ['targets', i, 'name'],
        message: `"${t.name}" is already the name of targets[${seen}]`,
        hint: 'names key the state file and the metrics; make them unique',
      });
    else first.set(t.name, i);
  });
  config.maintenance.windows.forEach((w, i) => {
    (w.targets ?? []).forEach((name, j) => {
      if (!first.has(name))
        out.push({
          path: ['maintenance', 'windows', i, 'targets', j],
          message: 'no target has this name',
          hint: `targets are ${[...first.keys()].map((n) => `"${n}"`).join(', ')}`,
        });
    });
  });
  const d = config.defaults;
  const blamedDefaults = new Set<string>();
  resolveTargets(config).forEach((t, i) => {
    const { timeout, interval } = t.policy;
    if (timeout < interval) return;
    const own = config.targets[i]!;
    // Point at the key that made the pair wrong: the target's own setting first, then `defaults`.
    const path =
      own.timeout !== undefined
        ? ['targets', i, 'timeout']
        : own.interval !== undefined
          ? ['targets', i, 'interval']
          : d.timeout !== undefined
            ? ['defaults', 'timeout']
            : ['defaults', 'interval'];
    if (path[0] === 'defaults') {
      // One line for the defaults, not one per target that inherits them.
      if (blamedDefaults.has(path[1] as string)) return;
      blamedDefaults.add(path[1] as string);
    }
    out.push({
      path,
      message: `${path[0] === 'defaults' ? '' : `${t.name}: `}timeout ${formatDuration(timeout)} is not shorter than interval ${formatDuration(interval)}`,
      hint: 'a probe must end before the next one starts; lower timeout or raise interval',
    });
  });
  return out;
}

/** Merges DEFAULT_POLICY, then `defaults`, then the target's own keys. */
export function resolveTargets(config: WatchdogConfig): ResolvedTarget[] {
  return config.targets.map((t) => {
    const { name, probes, healthyWhen, restart, power, ...override } = t;
    return { name, probes, healthyWhen, restart, power, policy: mergePolicy(config.defaults, override) };
  });
}

type PolicyInput = WatchdogConfig['defaults'];

function mergePolicy(...layers: PolicyInput[]): Policy {
  const out: Policy = { ...DEFAULT_POLICY, backoff: { ...DEFAULT_POLICY.backoff } };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'backoff') Object.assign(out.backoff, defined(value as object));
      else (out as unknown as Record<string, unknown>)[key] = value;
    }
  }
  // A timeout nobody wrote follows a short interval down: `interval: 2s` alone gets a 1s deadline.
  if (layers.every((l) => l.timeout === undefined))
    out.timeout = Math.min(DEFAULT_POLICY.timeout, Math.floor(out.interval / 2));
  return out;
}

function defined(obj: object): object {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
