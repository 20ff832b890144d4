// The one duration parser: units, bounds, and the forms printed back to people.
import { describe, expect, it } from 'vitest';
import { durationProblem, durationSchema, formatDuration, humanDuration, parseDuration } from './duration.ts';

describe('duration', () => {
  it('parses numbers with a unit and nothing else', () => {
    expect(['500ms', '10s', '1.5s', '5m', '2h', '1d', ' 3 s ', '0s'].map(parseDuration)).toEqual([
      500, 10_000, 1500, 300_000, 7_200_000, 86_400_000, 3000, 0,
    ]);
    expect(['10', '5 min', '-1s', '1e3ms', '', 's'].map(parseDuration)).toEqual(Array(6).fill(undefined));
  });

  it('formats back to the shortest exact form, and for people never as "0 h"', () => {
    expect([1500, 300_000, 7_200_000, 86_400_000, 250].map(formatDuration)).toEqual([
      '1.5s',
      '5m',
      '2h',
      '1d',
      '250ms',
    ]);
    expect([45_000, 1_200_000, 1_800_000, 3_600_000, 5_400_000, 86_400_000].map(humanDuration)).toEqual([
      '45 s',
      '20 min',
      '30 min',
      '1 h',
      '1.5 h',
      '24 h',
    ]);
  });

  it('enforces bounds with the reason', () => {
    expect(durationProblem(0, { min: 100, why: 'too short' })).toBe('must be at least 100ms (too short)');
    expect(durationProblem(100, { min: 100 })).toBeUndefined();
    expect(durationProblem(7_200_001, { max: 7_200_000 })).toBe('must be at most 2h');
    const schema = durationSchema({ min: 1000 });
    expect(schema.parse('2s')).toBe(2000);
    expect(schema.safeParse('0s').error?.issues[0]?.message).toBe('must be at least 1s');
    expect(schema.safeParse('soon').error?.issues[0]?.message).toMatch(/^not a duration; write a number/);
  });
});
