// API keys: stored as sha256 hashes, looked up by hashing the presented bearer token.
import { createHash, randomBytes } from 'node:crypto';
import type { KeyConfig } from './config-schema.ts';

/**
 * sha256 rather than scrypt: gateway keys are 32 random bytes, so a slow hash adds nothing
 * against guessing, while it would cost milliseconds on every request.
 */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** A new random key in the familiar "sk-" form (32 random bytes, base64url). */
export function newKey(): string {
  return `sk-bee-${randomBytes(32).toString('base64url')}`;
}

/** The token of an Authorization header: "Bearer <token>" (scheme in any case, RFC 7235) or a bare value. */
export function bearerToken(header: string): string {
  // "bearer" followed by spaces or tabs; the scheme is case-insensitive.
  if (header.length > 7 && (header.charCodeAt(6) === 32 || header.charCodeAt(6) === 9)) {
    const scheme = header.slice(0, 6);
    if (scheme === 'Bearer' || scheme.toLowerCase() === 'bearer') return header.slice(7).trim();
  }
  return header.trim();
}

/** Finds the configured key that matches a presented Authorization header. */
export class KeyStore<K extends { hash?: string | undefined } = KeyConfig> {
  readonly #byHash = new Map<string, K>();

  constructor(keys: readonly K[]) {
    for (const k of keys) {
      // A hashFile the loader did not resolve would silently lock its holder out: refuse to start instead.
      if (k.hash === undefined) throw new Error('a key has no hash: load the config with loadGatewayConfig');
      this.#byHash.set(k.hash, k);
    }
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** The key for "Bearer <token>" (or a bare x-api-key value), or undefined. */
  lookup(header: string | undefined): K | undefined {
    if (!header) return undefined;
    const token = bearerToken(header);
    if (!token) return undefined;
    return this.#byHash.get(hashKey(token));
  }
}
