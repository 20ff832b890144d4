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

/** Finds the configured key that matches a presented Authorization header. */
export class KeyStore {
  readonly #byHash = new Map<string, KeyConfig>();

  constructor(keys: readonly KeyConfig[]) {
    for (const k of keys) this.#byHash.set(k.hash, k);
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** The key for "Bearer <token>" (or a bare x-api-key value), or undefined. */
  lookup(header: string | undefined): KeyConfig | undefined {
    if (!header) return undefined;
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
    if (!token) return undefined;
    return this.#byHash.get(hashKey(token));
  }
}
