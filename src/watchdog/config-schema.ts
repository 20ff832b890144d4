// The watchdog's YAML config: one zod schema, types inferred from it, defaults written once here.
import { z } from 'zod';
import { duration, durationSchema } from '../kernel/duration.ts';
import { probeSpecSchema } from '../probe/schema.ts';

/** Smallest probe interval and probe deadline accepted (docs/watchdog.md, "Durations"). */
export const MIN_INTERVAL = 1000;
export const MIN_TIMEOUT = 100;

const httpBase = z.url({ protocol: /^https?$/ }).describe('Base URL of the device, e.g. http://10.20.0.50');
const hold = durationSchema({ min: 100, why: 'a shorter cut may not power the machine off at all' })
  .prefault('10s')
  .describe('How long power stays off (or the button is held); default 10s');
const auth = { username: z.string().optional(), password: z.string().optional() };

/** How power is cut and restored. Every plug driver uses the device's own flip-back timer. */
export const powerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('gpio'),
    /** gpiochip name or number as `gpioset` takes it; default gpiochip0. */
    chip: z.string().default('gpiochip0'),
    line: z.number().int().min(0),
    /** The relay (or optocoupler) is driven by pulling the line low. */
    activeLow: z.boolean().default(false),
    hold,
  }),
  z.strictObject({
    type: z.literal('shelly-gen1'),
    url: httpBase,
    channel: z.number().int().min(0).default(0),
    hold,
    ...auth,
  }),
  z.strictObject({
    type: z.literal('shelly-gen2'),
    url: httpBase,
    id: z.number().int().min(0).default(0),
    hold,
    /** Set when the device has a password: Gen2 uses HTTP digest auth with user "admin". */
    password: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('tasmota'),
    url: httpBase,
    relay: z.number().int().min(1).default(1),
    /** Tasmota's Delay counts tenths of a second up to 3600: at most 6m. */
    hold: hold.refine((ms) => ms >= 200 && ms <= 360_000, 'tasmota hold must be between 200ms and 6m'),
    ...auth,
  }),
  z.strictObject({
    type: z.literal('pikvm'),
    url: httpBase,
    /** reset: the ATX reset button; power-long: hold power (force off), then press it again; off-on: ATX off_hard, then on. */
    mode: z.enum(['reset', 'power-long', 'off-on']).default('reset'),
    hold,
    /** PiKVM ships a self-signed certificate; default true. */
    insecure: z.boolean().default(true),
    ...auth,
  }),
  z.strictObject({
    type: z.literal('command'),
    /** argv, run without a shell; exit 0 means the cycle was done, e.g. [ipmitool, ..., chassis, power, cycle]. */
    argv: z.array(z.string()).min(1),
    timeout: durationSchema({ min: 1000 }).prefault('60s'),
  }),
]);

/** The gentle first rung of the ladder: restart a service before cutting power. */
export const restartSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('command'),
    argv: z.array(z.string()).min(1),
    timeout: durationSchema({ min: 1000 }).prefault('60s'),
  }),
  z.strictObject({
    type: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    expectStatus: z.array(z.number().int()).optional(),
    timeout: durationSchema({ min: MIN_TIMEOUT }).prefault('30s'),
    insecure: z.boolean().default(false),
  }),
]);

/** Timing and limits; set under `defaults`, overridable per target. Every field is optional; see DEFAULT_POLICY. */
export const policySchema = z
  .strictObject({
    /** Time between probes; default 15s; at least 1s (a Pi probing in a tight loop helps no one). */
    interval: durationSchema({ min: MIN_INTERVAL, why: 'probing faster only loads the Pi and the network' }),
    /** Deadline of one probe; default 5s; at least 100ms, and shorter than the interval (checked per target). */
    timeout: durationSchema({ min: MIN_TIMEOUT, why: 'shorter deadlines time out on healthy machines' }),
    /** Consecutive failures before the target counts as down; default 4. */
    failAfter: z.number().int().min(1),
    /** Consecutive successes before a down target counts as recovered; default 3. */
    recoverAfter: z.number().int().min(1),
    /** Failures are ignored this long after any power-on (and after the watchdog starts); default 5m. */
    bootGrace: duration,
    /** Failures are ignored this long after a restart action; default 2m. */
    restartGrace: duration,
    /** Wait before the next power cycle of one incident: initial, times factor each cycle, capped at max. */
    backoff: z
      .strictObject({
        initial: durationSchema({ min: 1000, why: 'back-off exists to space power cycles apart' }),
        factor: z.number().min(1),
        max: durationSchema({ min: 1000, why: 'back-off exists to space power cycles apart' }),
      })
      .partial(),
    /** At most this many power cycles per target inside `window`, then the watchdog gives up on it; default 3. */
    maxCycles: z.number().int().min(1),
    /** Sliding window for maxCycles; default 24h; at least 1m. */
    window: durationSchema({ min: 60_000, why: 'the cap counts cycles inside this window' }),
    /** Attempts per driver or restart call before it is reported failed; default 3. */
    retries: z.number().int().min(1),
    /** Pause between attempts; default 2s. */
    retryDelay: duration,
  })
  .partial();

/** A policy with every field set, durations in milliseconds. */
export interface Policy {
  interval: number;
  timeout: number;
  failAfter: number;
  recoverAfter: number;
  bootGrace: number;
  restartGrace: number;
  backoff: { initial: number; factor: number; max: number };
  maxCycles: number;
  window: number;
  retries: number;
  retryDelay: number;
}

/** The defaults, in one place: cautious, for a rack of real machines. */
export const DEFAULT_POLICY: Policy = {
  interval: 15_000,
  timeout: 5_000,
  failAfter: 4,
  recoverAfter: 3,
  bootGrace: 300_000,
  restartGrace: 120_000,
  backoff: { initial: 600_000, factor: 2, max: 7_200_000 },
  maxCycles: 3,
  window: 86_400_000,
  retries: 3,
  retryDelay: 2_000,
};

export const targetSchema = z.strictObject({
  /** Unique name; used in logs, alerts, metrics and the state file. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'letters, digits, dot, dash, underscore'),
  /** Probes run each interval; the target is healthy when every probe passes (`healthyWhen: all`) or any does. */
  probes: z.array(probeSpecSchema).min(1),
  healthyWhen: z.enum(['all', 'any']).default('all'),
  restart: restartSchema.optional(),
  /** Without `power`, the watchdog only alerts. */
  power: powerSchema.optional(),
  ...policySchema.shape,
});

const windowSchema = z.strictObject({
  /** Days this window applies; default every day. */
  days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).optional(),
  /** Local time HH:MM; a window may cross midnight (22:00-02:00). */
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour'),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour'),
  /** Targets it suspends; default all. */
  targets: z.array(z.string()).optional(),
});

export const alertSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('ntfy'),
    /** Topic URL, e.g. https://ntfy.example.com/rack */
    url: z.url({ protocol: /^https?$/ }),
    token: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).default({}),
  }),
]);

export const watchdogConfigSchema = z.strictObject({
  /** Where back-off, cycle counts and give-ups survive restarts; default /var/lib/beelab-watchdog/state.json. */
  stateFile: z.string().default('/var/lib/beelab-watchdog/state.json'),
  /** The watchdog's own link: acting is allowed only while at least one of these answers (gateway, a second reference). */
  selfCheck: z.strictObject({
    probes: z.array(probeSpecSchema).min(1),
    timeout: durationSchema({
      min: MIN_TIMEOUT,
      why: 'shorter deadlines time out on a healthy link',
    }).prefault('3s'),
    /**
     * Network interfaces whose carrier is the watchdog's own link; a carrier change during a probe means the
     * failure is not counted. Default: every interface except loopback.
     */
    interfaces: z.array(z.string().min(1)).min(1).optional(),
  }),
  maintenance: z
    .strictObject({
      /** While this file exists no action is taken; if it lists target names (one per line) only those are suspended. */
      flagFile: z.string().default('/etc/beelab-watchdog/maintenance'),
      windows: z.array(windowSchema).default([]),
    })
    .prefault({}),
  alerts: z.array(alertSchema).default([]),
  /** Prometheus endpoint, host:port; omit to serve none. */
  metrics: z
    .strictObject({ listen: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:]+):\d+$/, 'host:port') })
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  defaults: policySchema.prefault({}),
  targets: z.array(targetSchema).min(1),
});

export type WatchdogConfigInput = z.input<typeof watchdogConfigSchema>;
/** Parsed config with every default filled in; durations in milliseconds. */
export type WatchdogConfig = z.output<typeof watchdogConfigSchema>;
export type PowerConfig = z.output<typeof powerSchema>;
export type RestartConfig = z.output<typeof restartSchema>;
export type AlertConfig = z.output<typeof alertSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type MaintenanceWindow = z.output<typeof windowSchema>;
