// Reads a request body with a size limit, so an oversized upload is refused before it is buffered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { sendError } from './openai-error.ts';

/** Sends an OpenAI-style error (and counts it); the signature of sendError. */
export type Refuse = (...args: Parameters<typeof sendError>) => void;

/** Reads a request body up to `max` bytes; a larger one is refused with 413 and never buffered. */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  max: number,
  refuse: Refuse,
  done: (body: Buffer) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? -1);
  const tooLarge = () => {
    res.setHeader('connection', 'close');
    refuse(
      res,
      413,
      'invalid_request_error',
      'request_too_large',
      `The request body is larger than ${max} bytes.`,
    );
  };
  if (declared > max) {
    tooLarge();
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > max) {
      if (!res.headersSent) tooLarge();
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (size <= max) done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  });
}
