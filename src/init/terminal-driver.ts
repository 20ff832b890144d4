// Drives a real prompt session for tests: waits for text on the screen, then types keys, like a person would.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';

/** Keys as a terminal sends them. */
export const KEY = {
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  space: ' ',
  /** Ctrl-U: clear the line typed so far. */
  clearLine: '\x15',
} as const;

/** Reads a screen (any output stream) and types into an input stream. */
export class TerminalDriver {
  #screen = '';
  #seen = 0;
  #waiters: (() => void)[] = [];

  constructor(
    screen: Readable,
    private readonly keyboard: Writable,
    private readonly timeoutMs = 10_000,
  ) {
    screen.on('data', (chunk: Buffer | string) => {
      this.#screen += stripVTControlCharacters(String(chunk));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Everything shown so far, without colours and cursor moves. */
  get screen(): string {
    return this.#screen;
  }

  /** Waits until `text` shows up after what earlier waits consumed; fails with the screen tail on timeout. */
  async waitFor(text: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const at = this.#screen.indexOf(text, this.#seen);
      if (at >= 0) {
        this.#seen = at + text.length;
        // Let the prompt finish drawing and register its key handler before the keys arrive.
        await new Promise((r) => setTimeout(r, 20));
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${JSON.stringify(text)}; screen ends with:\n${this.#screen.slice(-800)}`,
        );
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  type(...keys: string[]): void {
    for (const k of keys) this.keyboard.write(k);
  }

  /** Waits for a prompt, then types the keys. */
  async answer(prompt: string, ...keys: string[]): Promise<void> {
    await this.waitFor(prompt);
    this.type(...keys);
  }
}

/** An in-memory terminal for prompts: input and output streams. The output never ends, like a real terminal. */
export function memoryTerminal(): { input: PassThrough; output: PassThrough } {
  const output = new PassThrough();
  // Each prompt ends the stream it drew on when it is done; a terminal outlives its prompts.
  output.end = function end(this: PassThrough) {
    return this;
  } as PassThrough['end'];
  return { input: new PassThrough(), output };
}
