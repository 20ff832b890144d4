// Backend-safe names for address sets.
import { createHash } from 'node:crypto';

/** Longest set name every backend accepts (pfSense aliases: 31; OPNsense: 32; nft and VyOS: more). */
export const MAX_SET_NAME = 31;
/** OPNsense's alias rule (second character alphanumeric, under 32) narrowed to lowercase and pfSense's 31. */
export const SET_NAME_PATTERN = /^[a-z][a-z0-9][a-z0-9_]{0,29}$/;

/** Turns `role`, `k3s-api` into `role_k3s_api`; over-long names keep a hash suffix so they stay unique. */
export function setName(...parts: string[]): string {
  const raw = parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  const base = /^[a-z][a-z0-9]/.test(raw) ? raw : `set_${raw}`;
  if (base.length <= MAX_SET_NAME) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 6);
  return `${base.slice(0, MAX_SET_NAME - 7).replace(/_$/, '')}_${hash}`;
}
