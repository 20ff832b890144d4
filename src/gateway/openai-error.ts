// OpenAI-style error bodies: {"error": {"message", "type", "param", "code"}}.
import type { ServerResponse } from 'node:http';

/** The `type` field values OpenAI clients know. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'api_error';

export function sendError(
  res: ServerResponse,
  status: number,
  type: ErrorType,
  code: string,
  message: string,
  extraHeaders?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type, param: null, code } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}
