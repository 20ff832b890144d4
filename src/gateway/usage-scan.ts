// Finds the `usage` object near the end of a response (JSON or SSE) without buffering the whole body.

/** Token counts as OpenAI reports them. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Keeps only the last `limit` bytes of a stream of chunks; usage is always at the end. */
export class TailBuffer {
  #chunks: Buffer[] = [];
  #bytes = 0;
  constructor(private readonly limit = 16 * 1024) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.length >= this.limit) {
      this.#bytes -= this.#chunks.shift()!.length;
    }
  }

  text(): string {
    return this.#chunks.length === 1
      ? this.#chunks[0]!.toString('latin1')
      : Buffer.concat(this.#chunks).toString('latin1');
  }
}

/** The last `"usage": {...}` object in the text, or undefined (also for `"usage": null`). */
export function findUsage(text: string): Usage | undefined {
  let at = text.length;
  for (;;) {
    at = text.lastIndexOf('"usage"', at - 1);
    if (at < 0) return undefined;
    let i = at + 7;
    while (i < text.length && (text[i] === ' ' || text[i] === ':' || text[i] === '\n' || text[i] === '\t'))
      i++;
    if (text[i] !== '{') continue;
    // Usage objects hold numbers and small nested objects; no strings with braces, so counting is safe.
    let depth = 0;
    let end = -1;
    for (let j = i; j < text.length; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 123) depth++;
      else if (ch === 125 && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) continue;
    try {
      const u = JSON.parse(text.slice(i, end + 1)) as Partial<Usage>;
      const prompt = Number(u.prompt_tokens ?? 0);
      const completion = Number(u.completion_tokens ?? 0);
      const total = Number(u.total_tokens ?? prompt + completion);
      if (Number.isFinite(total))
        return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
    } catch {
      // Not a usage object after all; keep looking further back.
    }
  }
}
