// Human durations ("500ms", "10s", "5m", "2h", "1d") parsed to milliseconds, for config files and CLI flags.
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The hint every "not a duration" message ends with. */
export const DURATION_HINT = 'write a number with a unit, e.g. 500ms, 10s, 5m, 2h or 1d';

/** Parses "1.5s" → 1500; returns undefined on anything else (no unit, negative, "5 min"). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : undefined;
}

/** 1500 → "1.5s", 300000 → "5m": the shortest exact form, as a config file would say it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A span for people: "45 s", "20 min", "24 h", "1.5 h". Never "0 h". */
export function humanDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  const h = ms / 3_600_000;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}

export interface DurationBounds {
  /** Smallest accepted value in ms; a smaller one is refused with `why` (e.g. "a probe needs time to answer"). */
  min?: number;
  max?: number;
  /** Said after the bound when it is broken. */
  why?: string;
}

/**
 * Checks a parsed duration against bounds; the message to show, or undefined when it is fine.
 * For callers that parse flags themselves (`--interval 0s`).
 */
export function durationProblem(ms: number, bounds: DurationBounds = {}): string | undefined {
  const why = bounds.why ? ` (${bounds.why})` : '';
  if (bounds.min !== undefined && ms < bounds.min)
    return `must be at least ${formatDuration(bounds.min)}${why}`;
  if (bounds.max !== undefined && ms > bounds.max)
    return `must be at most ${formatDuration(bounds.max)}${why}`;
  return undefined;
}

/**
 * A duration field for a zod schema: a string with a unit in, milliseconds out. A value that is not a
 * duration, or is outside the bounds, is an issue on that field (so the YAML loader locates it).
 */
export function durationSchema(bounds: DurationBounds = {}) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a duration; ${DURATION_HINT}` });
      return z.NEVER;
    }
    const problem = durationProblem(ms, bounds);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return ms;
  });
}

/** A duration with no bounds. */
export const duration = durationSchema();
