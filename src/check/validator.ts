// The contract every external validator implements, and the result the runner makes of it.
import type { Diagnostic } from '../kernel/diagnostic.ts';

/** The real program a validator runs; when it is not on PATH the validator is skipped with this hint. */
export interface ToolSpec {
  /** Executable name looked up on PATH (plus /usr/sbin and /sbin), e.g. `yamllint`. */
  command: string;
  /** How to get it, e.g. `apt-get install yamllint`. */
  installHint: string;
}

/** Read access to the site directory, for validators that pick files by content (shebangs, playbooks). */
export interface FileSource {
  /** Absolute site directory. */
  readonly dir: string;
  /** The whole file as UTF-8 ('' when unreadable); cached. */
  read(file: string): string;
  /** The first line only (reads at most 512 bytes), for shebang checks on any file. */
  firstLine(file: string): string;
}

/** What `run` receives: the site, the files `applies` picked, the resolved tool and a cancel signal. */
export interface ValidatorContext extends FileSource {
  /** Site-relative POSIX paths, as returned by `applies`. */
  readonly files: string[];
  /** Absolute path of `tool.command`, resolved by the runner; undefined for validators without a tool. */
  readonly toolPath?: string;
  /** Aborted on timeout; pass it to every child process so it is killed. */
  readonly signal: AbortSignal;
}

export interface Validator {
  /** Stable id, used as the diagnostic code prefix and in `--json`, e.g. `yamllint`. */
  id: string;
  /** Human title for the summary, e.g. `YAML lint (yamllint)`. */
  title: string;
  tool?: ToolSpec;
  /** Its own time limit, for tools known to be slow on big repositories; default: the runner's. */
  timeoutMs?: number;
  /** The files this validator checks (site-relative); none means "not applicable". Must not throw for odd input. */
  applies(files: string[], source: FileSource): string[];
  /** Checks the files; a thrown error becomes a failed result with a `check/crash` diagnostic. */
  run(ctx: ValidatorContext): Promise<Diagnostic[]>;
}

/**
 * passed: ran, no error diagnostics (warnings allowed). failed: an error, a crash or a timeout
 * (or a skip under --strict). skipped: its tool is missing. not-applicable: no file to check.
 */
export type ValidatorStatus = 'passed' | 'failed' | 'skipped' | 'not-applicable';

export interface ValidatorResult {
  id: string;
  title: string;
  status: ValidatorStatus;
  /** How many files it checked; for a skipped validator, how many it would have checked. */
  files: number;
  /** Sorted by file, line, column, code. */
  diagnostics: Diagnostic[];
  durationMs: number;
  /** Why it was skipped, timed out or crashed, e.g. `yamllint not found; install: apt-get install yamllint`. */
  reason?: string;
}
