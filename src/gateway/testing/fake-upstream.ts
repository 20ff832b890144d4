// An OpenAI-protocol test backend on loopback that can stream, stall, fail mid-stream, error and load slowly.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the next requests are answered; tests flip it while the server runs. */
export type UpstreamMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'stall' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'die-mid-stream'; afterChunks: number }
  | { kind: 'stall-mid-stream'; afterChunks: number }
  | { kind: 'die-before-body' };

export interface FakeUpstreamOptions {
  /** Models listed by /v1/models and /api/tags. */
  models?: string[];
  /** Events per streamed response (before the usage chunk). */
  chunks?: number;
  /** Gap between streamed events. */
  chunkDelayMs?: number;
  /** Pads each content event to about this many bytes (for backpressure tests). */
  eventBytes?: number;
  /** What /health answers; 503 imitates llama.cpp loading a model. */
  healthStatus?: number;
  /** Sent as `x-stand-in` on every answer, so a client behind a gateway can tell which server answered. */
  name?: string;
}

/** The exact SSE bytes a stream of `n` chunks carries; tests compare the client's bytes with it. */
export function sseEvents(model: string, n: number, padTo = 0): string[] {
  const events = [': ping\n\n'];
  for (let i = 0; i < n; i++) {
    const text = padTo > 0 ? `tok${i} `.padEnd(padTo, 'x') : `tok${i} `;
    const delta = i === 0 ? { role: 'assistant', content: text } : { content: text };
    events.push(
      `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
    );
  }
  events.push(
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  );
  events.push(
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 7, completion_tokens: n, total_tokens: 7 + n } })}\n\n`,
  );
  events.push('data: [DONE]\n\n');
  return events;
}

export function completionBody(model: string, text = 'hello from the fake upstream'): string {
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
  });
}

export class FakeUpstream {
  readonly server: Server;
  mode: UpstreamMode = { kind: 'ok' };
  healthStatus: number;
  models: string[];
  /** Completed /v1 POST requests by path. */
  requests = 0;
  /** Requests whose client (the gateway) went away before the response finished. */
  aborted = 0;
  /** Bodies of the POST requests seen, when `recordBodies` is on. */
  bodies: unknown[] = [];
  recordBodies = false;
  readonly #open = new Set<ServerResponse>();
  readonly #chunks: number;
  readonly #eventBytes: number;
  /** Stream events written so far, over all requests. */
  eventsWritten = 0;
  readonly #chunkDelayMs: number;
  readonly #identity: Record<string, string>;
  #host = '127.0.0.1';
  #port = 0;

  constructor(opts: FakeUpstreamOptions = {}) {
    this.models = opts.models ?? ['fake-model'];
    this.#chunks = opts.chunks ?? 5;
    this.#eventBytes = opts.eventBytes ?? 0;
    this.#chunkDelayMs = opts.chunkDelayMs ?? 0;
    this.healthStatus = opts.healthStatus ?? 200;
    this.#identity = opts.name ? { 'x-stand-in': opts.name } : {};
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.#handle(req, res));
  }

  get url(): string {
    return `http://${this.#host}:${this.#port}`;
  }

  /** Listens on loopback unless `host` names another address (a lab namespace's). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.#host = host;
    await new Promise<void>((r) => this.server.listen(port, host, r));
    this.#port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  async close(): Promise<void> {
    for (const r of this.#open) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  #json(res: ServerResponse, status: number, body: string, extra?: Record<string, string>): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...this.#identity,
      ...extra,
    });
    res.end(body);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    if (req.method === 'GET') {
      if (path === '/health') {
        this.#json(
          res,
          this.healthStatus,
          `{"status":"${this.healthStatus === 200 ? 'ok' : 'loading model'}"}`,
        );
        return;
      }
      if (path === '/api/tags') {
        this.#json(res, 200, JSON.stringify({ models: this.models.map((name) => ({ name, model: name })) }));
        return;
      }
      if (path === '/v1/models') {
        this.#json(
          res,
          200,
          JSON.stringify({
            object: 'list',
            data: this.models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'fake' })),
          }),
        );
        return;
      }
      this.#json(res, 404, '{"error":{"message":"not found"}}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model?: string;
        stream?: boolean;
        encoding_format?: string;
      };
      if (this.recordBodies) this.bodies.push(body);
      this.#open.add(res);
      res.on('close', () => {
        this.#open.delete(res);
        if (!res.writableFinished) this.aborted++;
      });
      this.#respond(path, body, res);
    });
  }

  #respond(
    path: string,
    body: { model?: string; stream?: boolean; encoding_format?: string },
    res: ServerResponse,
  ): void {
    const mode = this.mode;
    const model = body.model ?? 'fake-model';
    if (mode.kind === 'stall') return;
    if (mode.kind === 'status') {
      this.#json(
        res,
        mode.status,
        JSON.stringify({
          error: { message: `fake upstream says ${mode.status}`, type: 'server_error', code: null },
        }),
        mode.retryAfter ? { 'retry-after': mode.retryAfter } : undefined,
      );
      return;
    }
    if (mode.kind === 'die-before-body') {
      res.writeHead(200, {
        'content-type': body.stream ? 'text/event-stream' : 'application/json',
        ...this.#identity,
      });
      res.flushHeaders();
      setTimeout(() => res.destroy(), 5);
      return;
    }
    const go = () => {
      this.requests++;
      if (path.endsWith('/embeddings')) {
        const vector = [0.1, 0.2, 0.3];
        // The openai client asks for base64 by default and decodes it back to floats.
        const embedding =
          body.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector;
        this.#json(
          res,
          200,
          JSON.stringify({
            object: 'list',
            data: [{ object: 'embedding', index: 0, embedding }],
            model,
            usage: { prompt_tokens: 3, total_tokens: 3 },
          }),
        );
        return;
      }
      if (!body.stream) {
        this.#json(res, 200, completionBody(model));
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...this.#identity,
      });
      const events = sseEvents(model, this.#chunks, this.#eventBytes);
      const dieAfter = mode.kind === 'die-mid-stream' ? mode.afterChunks : Number.POSITIVE_INFINITY;
      const stallAfter = mode.kind === 'stall-mid-stream' ? mode.afterChunks : Number.POSITIVE_INFINITY;
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i >= dieAfter) {
          res.destroy();
          return;
        }
        if (i >= stallAfter) return; // keeps the connection open and says nothing more
        if (i >= events.length) {
          res.end();
          return;
        }
        this.eventsWritten++;
        // Like a real server, wait for the socket to drain instead of buffering without bound.
        if (!res.write(events[i++])) res.once('drain', next);
        else if (this.#chunkDelayMs > 0) setTimeout(next, this.#chunkDelayMs);
        else setImmediate(next);
      };
      next();
    };
    if (mode.kind === 'slow') setTimeout(go, mode.delayMs);
    else go();
  }
}
