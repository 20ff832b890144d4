// `beelab check` for the backup layer's files: every section-config file parses back with only known sections,
// keys and values (acl.cfg lines too), every schedule is a calendar event `systemd-analyze calendar` accepts, and
// every timer and service passes `systemd-analyze verify`.
import { runTool, siteRelative } from '../../check/exec.ts';
import type { FileSource, Validator } from '../../check/validator.ts';
import { unexplainedFailure } from '../../check/validators/util.ts';
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { parseSectionConfig } from '../../tree/serialize/index.ts';
import { ACL_ROLES, sectionFileOf, type ValueKind } from './config-schema.ts';

const OURS = /^backup\/(pbs\/[^/]+|pve|restic\/[^/]+|clonezilla)\//;
/** An Ansible expression the role fills in at apply time (a fingerprint, a token secret). */
const APPLY_TIME = /^\{\{.*\}\}$/;

function valueProblem(value: string, kind: ValueKind): string | undefined {
  if (APPLY_TIME.test(value)) return undefined;
  if (kind === 'bool')
    return /^(0|1|true|false)$/.test(value) ? undefined : 'is not a boolean (true, false, 1, 0)';
  if (kind === 'int') return /^\d+$/.test(value) ? undefined : 'is not a whole number';
  if (typeof kind === 'object')
    return kind.enum.includes(value) ? undefined : `is not one of ${kind.enum.join(', ')}`;
  return undefined;
}

/** Problems of one file; every one located. */
export function sectionFileProblems(file: string, text: string): Diagnostic[] {
  const at = (line: number) => ({ file, line, col: 1 });
  if (file.endsWith('/acl.cfg')) {
    return text.split('\n').flatMap((l, i) => {
      if (l === '') return [];
      const m = /^acl:([01]):(\/[^:]*):([^:]+):([^:]+)$/.exec(l);
      if (!m)
        return [
          {
            code: 'backup/acl',
            severity: 'error',
            message: `not an acl.cfg line: ${l}`,
            location: at(i + 1),
          },
        ];
      const bad = m[4]!.split(',').filter((r) => !(ACL_ROLES as readonly string[]).includes(r));
      return bad.map(
        (r): Diagnostic => ({
          code: 'backup/acl',
          severity: 'error',
          message: `role ${r} is not one Beelab grants (${ACL_ROLES.join(', ')})`,
          location: at(i + 1),
        }),
      );
    });
  }
  const schema = sectionFileOf(file);
  if (!schema) return [];
  const parsed = parseSectionConfig(text, { comments: schema.comments });
  const out: Diagnostic[] = parsed.errors.map((e) => ({
    code: 'backup/section-config',
    severity: 'error',
    message: e.message,
    location: at(e.line),
  }));
  for (const s of parsed.sections) {
    const keys = schema.types[s.type];
    if (!keys) {
      out.push({
        code: 'backup/section-config',
        severity: 'error',
        message: `unknown section type "${s.type}" in ${file.split('/').at(-1)}`,
        location: at(s.line),
        hint: `known here: ${Object.keys(schema.types).join(', ')}`,
      });
      continue;
    }
    for (const p of s.props) {
      const kind = keys[p.key];
      const problem = kind ? valueProblem(p.value, kind) : 'is not a key of this section';
      if (problem)
        out.push({
          code: 'backup/section-config',
          severity: 'error',
          message: kind
            ? `${s.type} ${s.id}: ${p.key} ${JSON.stringify(p.value)} ${problem}`
            : `${s.type} ${s.id}: ${p.key} ${problem}`,
          location: at(p.line),
          ...(kind ? {} : { hint: `keys of ${s.type}: ${Object.keys(keys).join(', ')}` }),
        });
    }
  }
  return out;
}

function ourFiles(files: string[]): string[] {
  return files.filter((f) => OURS.test(f) && (sectionFileOf(f) !== undefined || f.endsWith('/acl.cfg')));
}

export const backupConfigValidator: Validator = {
  id: 'backup-config',
  title: 'Backup config files parse back (PBS, PVE section config)',
  applies: ourFiles,
  async run(ctx) {
    return ctx.files.flatMap((f) => sectionFileProblems(f, ctx.read(f)));
  },
};

/** Every calendar value of the backup layer's files, with where it is. */
export function calendarValues(
  files: string[],
  source: FileSource,
): { value: string; file: string; line: number }[] {
  const out: { value: string; file: string; line: number }[] = [];
  for (const file of files) {
    if (file.endsWith('.timer')) {
      source
        .read(file)
        .split('\n')
        .forEach((l, i) => {
          const m = /^OnCalendar=(.+)$/.exec(l);
          if (m) out.push({ value: m[1]!.trim(), file, line: i + 1 });
        });
      continue;
    }
    const schema = sectionFileOf(file);
    if (!schema) continue;
    for (const s of parseSectionConfig(source.read(file), { comments: schema.comments }).sections)
      for (const p of s.props)
        if (schema.types[s.type]?.[p.key] === 'calendar' && !APPLY_TIME.test(p.value))
          out.push({ value: p.value, file, line: p.line });
  }
  return out;
}

export const calendarValidator: Validator = {
  id: 'calendar',
  title: 'Backup schedules (systemd-analyze calendar)',
  tool: { command: 'systemd-analyze', installHint: 'apt-get install systemd' },
  applies: (files, source) => {
    const ours = [...ourFiles(files), ...files.filter((f) => OURS.test(f) && f.endsWith('.timer'))];
    return calendarValues(ours, source).length > 0 ? ours : [];
  },
  async run(ctx) {
    const values = calendarValues(ctx.files, ctx);
    const unique = [...new Set(values.map((v) => v.value))];
    const r = await runTool(ctx, ['calendar', '--iterations=1', ...unique]);
    const failed = new Set(
      [...r.stderr.matchAll(/Failed to parse calendar specification '(.*)':/g)].map((m) => m[1]!),
    );
    const out: Diagnostic[] = values
      .filter((v) => failed.has(v.value))
      .map((v) => ({
        code: 'calendar/invalid',
        severity: 'error',
        message: `schedule ${JSON.stringify(v.value)} is not a calendar event systemd (and Proxmox) accept`,
        location: { file: v.file, line: v.line, col: 1 },
        hint: 'e.g. "*-*-* 02:00" (daily at 02:00), "sat 03:30", "mon..fri 22:00"; try: systemd-analyze calendar "<event>"',
      }));
    return [
      ...out,
      ...unexplainedFailure('calendar', 'systemd-analyze calendar', r, out, values[0]?.file ?? ''),
    ];
  },
};

const UNIT = /^backup\/.+\.(service|timer)$/;

/**
 * systemd-analyze verify's complaints about the unit files, located: `<path>:<line>: message` at that line, a line
 * naming a unit (`beelab-restic.timer: ...`) at that unit's file in the same directory.
 */
export function unitProblems(dir: string, files: string[], output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const at = /^(\S+?):(\d+): (.*)$/.exec(line);
    const file = at
      ? files.find((f) => siteRelative(dir, at[1]!) === f)
      : files.find(
          (f) => line.startsWith(`${f.split('/').at(-1)}:`) || line.includes(` ${f.split('/').at(-1)} `),
        );
    if (!file) continue;
    out.push({
      code: 'systemd/verify',
      severity: 'error',
      message: at ? at[3]! : line,
      location: { file, line: at ? Number(at[2]) : 1, col: 1 },
      hint: `systemd-analyze verify ${file}`,
    });
  }
  return out;
}

export const unitValidator: Validator = {
  id: 'backup-units',
  title: 'Backup timers and services (systemd-analyze verify)',
  tool: { command: 'systemd-analyze', installHint: 'apt-get install systemd' },
  applies: (files) => files.filter((f) => UNIT.test(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    // One directory at a time: a timer finds its service beside it.
    const dirs = new Map<string, string[]>();
    for (const f of ctx.files) {
      const d = f.slice(0, f.lastIndexOf('/'));
      dirs.set(d, [...(dirs.get(d) ?? []), f]);
    }
    for (const files of dirs.values()) {
      const r = await runTool(ctx, ['verify', '--man=no', ...files]);
      const found = unitProblems(ctx.dir, files, `${r.stdout}\n${r.stderr}`);
      out.push(
        ...found,
        ...unexplainedFailure('systemd/verify', 'systemd-analyze verify', r, found, files[0]!),
      );
    }
    return out;
  },
};

export const backupValidators = (): Validator[] => [backupConfigValidator, calendarValidator, unitValidator];
