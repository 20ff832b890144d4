// How old a backup may get before it is late: the period of the backup schedule (a systemd calendar event)
// plus a grace for a slow run.
const HOUR = 3600;
const DAY = 24 * HOUR;

/** The period of a systemd calendar event, in seconds: hourly, daily, weekly (a weekday is named), monthly. */
export function schedulePeriodSeconds(schedule: string): number {
  const s = schedule.trim().toLowerCase();
  const shorthand: Record<string, number> = {
    hourly: HOUR,
    daily: DAY,
    weekly: 7 * DAY,
    monthly: 31 * DAY,
    quarterly: 92 * DAY,
    yearly: 366 * DAY,
    annually: 366 * DAY,
  };
  if (s in shorthand) return shorthand[s]!;
  const parts = s.split(/\s+/);
  // "Mon *-*-* 02:00", "Sat,Sun ...": the days named set the period; a range or list runs more often.
  if (/^[a-z]/.test(parts[0]!)) return /[,.]/.test(parts[0]!) ? DAY : 7 * DAY;
  const date = parts.find((p) => /^[*\d]+-[*\d]+-[*\d/,.]+$/.test(p));
  if (date) {
    const [, month, day] = date.split('-');
    if (day !== '*' && !day!.includes('/') && !day!.includes(','))
      return month === '*' ? 31 * DAY : 366 * DAY;
  }
  const time = parts.find((p) => p.includes(':'));
  if (time?.startsWith('*:')) return HOUR;
  return DAY;
}

/** Largest age of the last backup before BackupStale fires: one period plus a quarter of it (at least 6 h). */
export function backupMaxAgeSeconds(schedule: string): number {
  const period = schedulePeriodSeconds(schedule);
  return period + Math.max(6 * HOUR, Math.round(period / 4));
}
