// Exit codes and output for the three kinds of failure, mapped in one place.
import { describe, expect, it } from 'vitest';
import { ExitError, reportError, UserError } from './errors.ts';

describe('reportError', () => {
  it('a user error exits 2 with its message and details, and no stack trace', () => {
    const r = reportError(new UserError('beelab.yaml has 1 error', ['  error [x] bad; at beelab.yaml:3:4']));
    expect(r.exitCode).toBe(2);
    expect(r.text).toBe('error: beelab.yaml has 1 error\n  error [x] bad; at beelab.yaml:3:4');
    expect(r.text).not.toContain('errors.test.ts');
  });

  it('an internal error exits 1 with the stack and a bug-report hint', () => {
    const r = reportError(new TypeError('cannot read x of undefined'));
    expect(r.exitCode).toBe(1);
    expect(r.text).toMatch(/^internal error: TypeError: cannot read x of undefined\n\s+at /);
    expect(r.text).toContain('This is a bug in Beelab');
  });

  it('an exit error passes its code through', () => {
    expect(reportError(new ExitError(1)).exitCode).toBe(1);
  });
});
