import { describe, expect, it } from 'vitest';
import { bar, createProgress, isLive, seconds } from './progress.ts';

/** A stream that records what was written; `isTTY` as asked. */
function sink(isTTY: boolean, columns = 80) {
  const chunks: string[] = [];
  return { out: { isTTY, columns, write: (s: string) => chunks.push(s) }, text: () => chunks.join('') };
}

/** A clock the test moves. */
function clock() {
  let t = 1000;
  return { now: () => t, tick: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('plain lines: one per finished unit with count and time, notes as given, a summary', () => {
    const s = sink(false);
    const c = clock();
    const p = createProgress({ label: 'check', unit: 'validators', total: 3, out: s.out, now: c.now });
    p.start('rules');
    c.tick(1200);
    p.done('rules', 'passed');
    p.note('a note');
    p.start('yamllint');
    p.start('nft');
    c.tick(500);
    p.done('nft', 'failed, 2 errors');
    c.tick(61_000);
    p.done('yamllint', 'passed');
    p.close();
    expect(s.text()).toBe(
      [
        'check [1/3 validators] rules passed (1.2 s)',
        'a note',
        'check [2/3 validators] nft failed, 2 errors (0.5 s)',
        'check [3/3 validators] yamllint passed (1 min 2 s)',
        'check: 3/3 validators in 1 min 3 s',
        '',
      ].join('\n'),
    );
  });

  it('plain lines without eachLine: only notes and the summary; close(false) prints nothing', () => {
    const s = sink(false);
    const c = clock();
    const p = createProgress({
      label: 'status',
      unit: 'checks',
      total: 2,
      out: s.out,
      now: c.now,
      eachLine: false,
    });
    p.done('a', 'up');
    p.done('b', 'down');
    c.tick(300);
    p.close();
    expect(s.text()).toBe('status: 2/2 checks in 0.3 s\n');
    const q = sink(false);
    const lab = createProgress({ label: 'lab up', unit: 'steps', out: q.out, now: c.now });
    lab.note('lab 1: router up');
    lab.close(false);
    expect(q.text()).toBe('lab 1: router up\n');
  });

  it('a terminal: one live line redrawn in place with spinner, bar, counts, time and what runs', () => {
    const s = sink(true, 80);
    const c = clock();
    const p = createProgress({
      label: 'check',
      unit: 'validators',
      total: 4,
      out: s.out,
      now: c.now,
      live: true,
    });
    p.start('ansible-lint');
    p.start('yamllint');
    c.tick(2500);
    p.done('yamllint', 'passed');
    const text = s.text();
    // the last drawing: erase the line, then spinner, bar, counts, elapsed, the running validator
    const last = text.slice(text.lastIndexOf('\r\x1b[2K') + 5);
    expect(last).toMatch(
      /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] check \[#####---------------\] 1\/4 validators · 2\.5 s · ansible-lint$/,
    );
    expect(last.length).toBeLessThan(80);
    expect(text).not.toContain('\n'); // nothing scrolls for a finished unit
    p.note('a warning');
    expect(s.text()).toContain('\r\x1b[2Ka warning\n');
    p.close();
    expect(s.text().endsWith('\r\x1b[2K')).toBe(true); // the live line is gone, no summary by default
  });

  it('a live line is cut to the terminal width, and lists at most three running units', () => {
    const s = sink(true, 30);
    const p = createProgress({ label: 'lab test', unit: 'checks', out: s.out, live: true });
    for (const n of ['v10', 'v20', 'v30', 'v40', 'v50']) p.start(n);
    const last = s.text().slice(s.text().lastIndexOf('\r\x1b[2K') + 5);
    expect(last.length).toBe(29);
    const wide = sink(true, 200);
    const q = createProgress({ label: 'lab test', unit: 'checks', out: wide.out, live: true });
    for (const n of ['v10', 'v20', 'v30', 'v40', 'v50']) q.start(n);
    expect(wide.text().slice(wide.text().lastIndexOf('\r\x1b[2K') + 5)).toMatch(/v10, v20, v30 \+2$/);
    p.close(false);
    q.close(false);
  });

  it('is live only on a terminal outside CI', () => {
    const ci = process.env.CI;
    try {
      delete process.env.CI;
      expect(isLive({ isTTY: true, write: () => 0 })).toBe(process.env.TERM !== 'dumb');
      expect(isLive({ isTTY: false, write: () => 0 })).toBe(false);
      process.env.CI = 'true';
      expect(isLive({ isTTY: true, write: () => 0 })).toBe(false);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });

  it('bar and seconds', () => {
    expect(bar(0, 10, 10)).toBe('[----------]');
    expect(bar(5, 10, 10)).toBe('[#####-----]');
    expect(bar(12, 10, 10)).toBe('[##########]');
    expect(seconds(999)).toBe('1.0 s');
    expect(seconds(125_400)).toBe('2 min 5 s');
  });
});
