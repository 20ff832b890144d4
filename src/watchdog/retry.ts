// Retries an async call a bounded number of times with a pause; the last error is rethrown with the count.
export type Sleep = (ms: number) => Promise<void>;

export async function withRetries<T>(
  attempts: number,
  delayMs: number,
  sleep: Sleep,
  fn: (attempt: number) => Promise<T>,
  onError?: (err: unknown, attempt: number) => void,
): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      onError?.(err, attempt);
      if (attempt < attempts) await sleep(delayMs);
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`failed after ${attempts} attempt(s): ${reason}`);
}
