// The few named errors Beelab throws, and the one place that maps them to exit codes.

/** A mistake the user can fix (bad beelab.yaml, missing file, hand-edited output). Exit 2, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    /** Extra lines printed under the message, e.g. one per diagnostic. */
    readonly details: readonly string[] = [],
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A command that ran correctly but must report failure to scripts (plan --exit-code, check findings). */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export interface ErrorReport {
  exitCode: number;
  text: string;
}

/** Turns any thrown value into what the CLI prints and the code it exits with. */
export function reportError(err: unknown): ErrorReport {
  if (err instanceof ExitError) return { exitCode: err.exitCode, text: err.message };
  if (err instanceof UserError) {
    return { exitCode: err.exitCode, text: [`error: ${err.message}`, ...err.details].join('\n') };
  }
  const stack = err instanceof Error ? (err.stack ?? String(err)) : String(err);
  return {
    exitCode: 1,
    text: `internal error: ${stack}\nThis is a bug in Beelab. Please report it with the command you ran and this trace.`,
  };
}
