// Property lists: every *.plist parsed by Python's plistlib (the XML form launchd reads), `plutil -lint` too where
// macOS's plutil exists, then the keys of a launchd job checked against launchd.plist(5).
import type { Diagnostic } from '../../kernel/diagnostic.ts';
import { runTool } from '../exec.ts';
import { findTool } from '../tool-path.ts';
import type { Validator, ValidatorContext } from '../validator.ts';
import { basename, chunks, tail } from './util.ts';

const CODE = 'plist';

/**
 * Reads each file named on the command line and prints one JSON result per file: the parsed value (reals, data and
 * dates tagged, so an integer stays an integer) or the error with its line and column. plistlib ignores elements
 * it does not know, so an expat pass first refuses any element outside the plist DTD.
 */
const PARSER = String.raw`
import base64, datetime, json, plistlib, re, sys
from xml.parsers.expat import ExpatError, ParserCreate

DTD = {"plist", "dict", "key", "array", "string", "integer", "real", "true", "false", "date", "data"}

def tag(v):
    if isinstance(v, bool) or isinstance(v, int) or isinstance(v, str):
        return v
    if isinstance(v, float):
        return {"$real": v}
    if isinstance(v, bytes):
        return {"$data": base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime):
        return {"$date": v.isoformat()}
    if isinstance(v, list):
        return [tag(x) for x in v]
    return {"$dict": {k: tag(x) for k, x in v.items()}}

def check(path):
    with open(path, "rb") as f:
        data = f.read()
    p = ParserCreate()
    bad = []
    def start(name, attrs):
        if name not in DTD and not bad:
            bad.append({"file": path, "error": "<%s> is not a property list element" % name,
                        "line": p.CurrentLineNumber, "col": p.CurrentColumnNumber + 1})
    p.StartElementHandler = start
    try:
        p.Parse(data, True)
    except ExpatError as e:
        return {"file": path, "error": "not well-formed XML: " + str(e).split(":")[0], "line": e.lineno, "col": e.offset + 1}
    if bad:
        return bad[0]
    try:
        value = plistlib.loads(data, fmt=plistlib.FMT_XML)
    except Exception as e:
        message = str(e) or type(e).__name__
        at = re.search(r" at line (\d+)$", message)
        if at:
            return {"file": path, "error": message[: at.start()], "line": int(at.group(1)), "col": 1}
        return {"file": path, "error": message}
    return {"file": path, "value": tag(value)}

print(json.dumps([check(path) for path in sys.argv[1:]]))
`;

/** A parsed value: dicts as `$dict` so a key named like a tag cannot be mistaken for one. */
type Parsed =
  | string
  | number
  | boolean
  | Parsed[]
  | { $dict: Record<string, Parsed> }
  | { $real: number }
  | { $data: string }
  | { $date: string };

interface ParseResult {
  file: string;
  value?: Parsed;
  error?: string;
  line?: number;
  col?: number;
}

export const plistValidator: Validator = {
  id: 'plist',
  title: 'Property lists and launchd jobs (plistlib, plutil -lint)',
  tool: { command: 'python3', installHint: 'apt-get install python3' },
  applies: (files) => files.filter((f) => f.endsWith('.plist')),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const batch of chunks(ctx.files, 200)) {
      const r = await runTool(ctx, ['-I', '-c', PARSER, ...batch]);
      if (r.exitCode !== 0) throw new Error(`python3 plistlib exited ${r.exitCode}: ${tail(r.stderr)}`);
      for (const res of JSON.parse(r.stdout) as ParseResult[]) {
        if (res.error !== undefined) {
          out.push({
            code: `${CODE}/syntax`,
            severity: 'error',
            message: res.error,
            location: { file: res.file, ...(res.line ? { line: res.line, col: res.col ?? 1 } : {}) },
            hint: 'launchd reads only a well-formed XML property list (plist 1.0)',
          });
          continue;
        }
        if (isLaunchdJob(res.file, res.value!))
          out.push(...checkLaunchdJob(res.file, res.value!, ctx.read(res.file)));
      }
    }
    out.push(...(await plutilLint(ctx)));
    return out;
  },
};

/** macOS's own linter, where it exists (a Mac running `beelab check`); elsewhere plistlib above is the parser. */
async function plutilLint(ctx: ValidatorContext): Promise<Diagnostic[]> {
  const plutil = findTool('plutil');
  if (!plutil) return [];
  const out: Diagnostic[] = [];
  for (const batch of chunks(ctx.files, 200)) {
    const r = await runTool(ctx, ['-lint', ...batch], { command: plutil });
    if (r.exitCode === 0) continue;
    // `file: OK` per good file; a bad one: `file: <why>`.
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      const file = batch.find((f) => line.startsWith(`${f}: `));
      if (!file || line.endsWith(': OK')) continue;
      out.push({
        code: `${CODE}/plutil`,
        severity: 'error',
        message: line.slice(file.length + 2),
        location: { file },
      });
    }
  }
  return out;
}

/** Where a launchd job lives in a site: a `launchd/` folder, a LaunchDaemons/LaunchAgents folder, or `com.x.y.plist`. */
function isLaunchdJob(file: string, value: Parsed): boolean {
  if (/(^|\/)(launchd|LaunchDaemons|LaunchAgents)\//.test(file)) return true;
  if (/^[a-z][a-z0-9-]*(\.[A-Za-z0-9_-]+){2,}\.plist$/.test(basename(file))) return true;
  return isDict(value) && ('Label' in value.$dict || 'ProgramArguments' in value.$dict);
}

type Kind = 'string' | 'integer' | 'boolean' | 'array' | 'dict';

function kindOf(v: Parsed): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'integer';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if ('$dict' in v) return 'dict';
  if ('$real' in v) return 'real';
  if ('$data' in v) return 'data';
  return 'date';
}

/** The kind with its article: `an integer`, `a string`. */
function a(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function isDict(v: Parsed): v is { $dict: Record<string, Parsed> } {
  return kindOf(v) === 'dict';
}

/** The keys of launchd.plist(5) and the types launchd accepts for each (it ignores a key of another type). */
const LAUNCHD_KEYS: Record<string, readonly Kind[]> = {
  Label: ['string'],
  Disabled: ['boolean'],
  UserName: ['string'],
  GroupName: ['string'],
  inetdCompatibility: ['dict'],
  LimitLoadToHosts: ['array'],
  LimitLoadFromHosts: ['array'],
  LimitLoadToSessionType: ['string', 'array'],
  LimitLoadToHardware: ['dict'],
  LimitLoadFromHardware: ['dict'],
  Program: ['string'],
  ProgramArguments: ['array'],
  EnableGlobbing: ['boolean'],
  EnableTransactions: ['boolean'],
  EnablePressuredExit: ['boolean'],
  OnDemand: ['boolean'],
  ServiceIPC: ['boolean'],
  KeepAlive: ['boolean', 'dict'],
  RunAtLoad: ['boolean'],
  RootDirectory: ['string'],
  WorkingDirectory: ['string'],
  EnvironmentVariables: ['dict'],
  Umask: ['integer', 'string'],
  TimeOut: ['integer'],
  ExitTimeOut: ['integer'],
  ThrottleInterval: ['integer'],
  InitGroups: ['boolean'],
  WatchPaths: ['array'],
  QueueDirectories: ['array'],
  StartOnMount: ['boolean'],
  StartInterval: ['integer'],
  StartCalendarInterval: ['dict', 'array'],
  StandardInPath: ['string'],
  StandardOutPath: ['string'],
  StandardErrorPath: ['string'],
  Debug: ['boolean'],
  WaitForDebugger: ['boolean'],
  SoftResourceLimits: ['dict'],
  HardResourceLimits: ['dict'],
  Nice: ['integer'],
  ProcessType: ['string'],
  AbandonProcessGroup: ['boolean'],
  LowPriorityIO: ['boolean'],
  LowPriorityBackgroundIO: ['boolean'],
  MaterializeDatalessFiles: ['boolean'],
  LaunchOnlyOnce: ['boolean'],
  MachServices: ['dict'],
  Sockets: ['dict'],
  AssociatedBundleIdentifiers: ['string', 'array'],
  SessionCreate: ['boolean'],
  LegacyTimers: ['boolean'],
};

const PROCESS_TYPES = ['Background', 'Standard', 'Adaptive', 'Interactive'];
const RESOURCE_LIMITS = [
  'Core',
  'CPU',
  'Data',
  'FileSize',
  'MemoryLock',
  'NumberOfFiles',
  'NumberOfProcesses',
  'ResidentSetSize',
  'Stack',
];
const KEEP_ALIVE_KEYS: Record<string, Kind> = {
  SuccessfulExit: 'boolean',
  NetworkState: 'boolean',
  PathState: 'dict',
  OtherJobEnabled: 'dict',
  Crashed: 'boolean',
  AfterInitialDemand: 'dict',
};
const CALENDAR_RANGES: Record<string, [number, number]> = {
  Minute: [0, 59],
  Hour: [0, 23],
  Day: [1, 31],
  Weekday: [0, 7],
  Month: [1, 12],
};
/** What makes launchd start a job at all. */
const TRIGGERS = [
  'RunAtLoad',
  'KeepAlive',
  'StartInterval',
  'StartCalendarInterval',
  'WatchPaths',
  'QueueDirectories',
  'StartOnMount',
  'Sockets',
  'MachServices',
];

/** Line and column of `<key>name</key>` in the file (the first one), so a finding points at the key. */
function keyAt(text: string, name: string): { line?: number; col?: number } {
  const i = text.indexOf(`<key>${name}</key>`);
  if (i < 0) return {};
  const before = text.slice(0, i).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

/** The launchd.plist(5) checks of one job; what launchd would refuse or silently ignore. */
export function checkLaunchdJob(file: string, value: Parsed, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (
    key: string | undefined,
    message: string,
    hint?: string,
    severity: 'error' | 'warning' = 'error',
  ) =>
    out.push({
      code: `${CODE}/launchd`,
      severity,
      message,
      location: { file, ...(key ? keyAt(text, key) : {}) },
      ...(hint ? { hint } : {}),
    });
  if (!isDict(value)) {
    err(undefined, `a launchd job is a <dict>, this is ${a(kindOf(value))}`);
    return out;
  }
  const job = value.$dict;
  for (const [key, v] of Object.entries(job)) {
    const kinds = LAUNCHD_KEYS[key];
    if (!kinds) {
      err(
        key,
        `${key} is not a launchd key; launchd ignores it`,
        'see launchd.plist(5) for the keys',
        'warning',
      );
      continue;
    }
    if (!(kinds as string[]).includes(kindOf(v)))
      err(key, `${key} must be ${kinds.map(a).join(' or ')}, not ${a(kindOf(v))}`);
  }
  const label = job.Label;
  if (typeof label !== 'string' || label === '')
    err(undefined, 'the job has no Label', 'add <key>Label</key> with the job name, e.g. com.example.server');
  else if (basename(file) !== `${label}.plist`)
    err(
      'Label',
      `Label ${label} does not match the file name ${basename(file)}`,
      `name the file ${label}.plist: launchctl bootout/bootstrap address the job by both`,
    );
  const args = job.ProgramArguments;
  if (job.Program === undefined && args === undefined)
    err(
      undefined,
      'the job has neither Program nor ProgramArguments',
      'add ProgramArguments: the command and its arguments',
    );
  if (Array.isArray(args)) {
    if (args.length === 0) err('ProgramArguments', 'ProgramArguments is empty');
    else if (args.some((a) => typeof a !== 'string'))
      err('ProgramArguments', 'every ProgramArguments entry must be a string');
    else if (job.Program === undefined && !(args[0] as string).startsWith('/'))
      err(
        'ProgramArguments',
        `the program ${String(args[0])} is not an absolute path`,
        'launchd does not search PATH the way a shell does: name /path/to/program',
      );
  }
  for (const key of [
    'Program',
    'WorkingDirectory',
    'RootDirectory',
    'StandardInPath',
    'StandardOutPath',
    'StandardErrorPath',
  ]) {
    const p = job[key];
    if (typeof p === 'string' && !p.startsWith('/')) err(key, `${key} ${p} is not an absolute path`);
  }
  const env = job.EnvironmentVariables;
  if (env && isDict(env))
    for (const [k, x] of Object.entries(env.$dict))
      if (typeof x !== 'string')
        err('EnvironmentVariables', `EnvironmentVariables.${k} must be a string, not ${a(kindOf(x))}`);
  if (typeof job.ProcessType === 'string' && !PROCESS_TYPES.includes(job.ProcessType))
    err('ProcessType', `ProcessType ${job.ProcessType} is not one of ${PROCESS_TYPES.join(', ')}`);
  for (const key of ['SoftResourceLimits', 'HardResourceLimits']) {
    const lim = job[key];
    if (!lim || !isDict(lim)) continue;
    for (const [k, x] of Object.entries(lim.$dict)) {
      if (!RESOURCE_LIMITS.includes(k))
        err(key, `${key}.${k} is not a resource limit (${RESOURCE_LIMITS.join(', ')})`);
      else if (typeof x !== 'number') err(key, `${key}.${k} must be an integer`);
    }
  }
  const keepAlive = job.KeepAlive;
  if (keepAlive && isDict(keepAlive))
    for (const [k, x] of Object.entries(keepAlive.$dict)) {
      const want = KEEP_ALIVE_KEYS[k];
      if (!want)
        err(
          'KeepAlive',
          `KeepAlive.${k} is not a KeepAlive condition (${Object.keys(KEEP_ALIVE_KEYS).join(', ')})`,
        );
      else if (kindOf(x) !== want) err('KeepAlive', `KeepAlive.${k} must be ${a(want)}`);
    }
  const cal = job.StartCalendarInterval;
  if (cal !== undefined) {
    const entries = Array.isArray(cal) ? cal : [cal];
    for (const e of entries) {
      if (!isDict(e)) {
        err('StartCalendarInterval', 'each StartCalendarInterval entry must be a dict');
        continue;
      }
      for (const [k, x] of Object.entries(e.$dict)) {
        const range = CALENDAR_RANGES[k];
        if (!range)
          err(
            'StartCalendarInterval',
            `StartCalendarInterval.${k} is not one of ${Object.keys(CALENDAR_RANGES).join(', ')}`,
          );
        else if (typeof x !== 'number' || x < range[0] || x > range[1])
          err(
            'StartCalendarInterval',
            `StartCalendarInterval.${k} must be an integer from ${range[0]} to ${range[1]}`,
          );
      }
    }
  }
  if (!TRIGGERS.some((k) => job[k] !== undefined && job[k] !== false))
    err(
      undefined,
      'nothing starts this job (no RunAtLoad, KeepAlive, StartInterval, StartCalendarInterval, WatchPaths, Sockets…)',
      'add RunAtLoad (at boot) or a schedule; otherwise it runs only when started by hand',
      'warning',
    );
  return out;
}
