// Maintenance: a flag file and weekly windows that suspend action (probing and alerts go on).
import { readFile } from 'node:fs/promises';
import type { MaintenanceWindow } from './config-schema.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Reads the flag file: null when absent, else the target names it lists (empty list = every target). */
export async function readFlagFile(path: string): Promise<string[] | null> {
  try {
    const text = await readFile(path, 'utf8');
    return text
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable flag file: fail safe, treat it as present for everyone.
    return [];
  }
}

export function flagCovers(flag: string[] | null, target: string): boolean {
  return flag !== null && (flag.length === 0 || flag.includes(target));
}

/** True when `now` (local time of the watchdog) falls in a window covering `target`. */
export function inWindow(windows: MaintenanceWindow[], target: string, now: Date): boolean {
  const minute = now.getHours() * 60 + now.getMinutes();
  const today = DAYS[now.getDay()]!;
  const yesterday = DAYS[(now.getDay() + 6) % 7]!;
  return windows.some((w) => {
    if (w.targets && !w.targets.includes(target)) return false;
    const start = toMinutes(w.start);
    const end = toMinutes(w.end);
    const on = (day: (typeof DAYS)[number]) => !w.days || w.days.includes(day);
    if (start < end) return on(today) && minute >= start && minute < end;
    // Crosses midnight: the evening part belongs to today, the morning part to the window that began yesterday.
    return (on(today) && minute >= start) || (on(yesterday) && minute < end);
  });
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
