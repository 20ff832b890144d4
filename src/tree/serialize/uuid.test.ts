import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { BEELAB_UUID_NAMESPACE, uuidV5 } from './uuid.ts';

describe('uuidV5', () => {
  it('matches the RFC 4122 reference vector for the DNS namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is stable in the Beelab namespace: these values must never change', () => {
    expect(BEELAB_UUID_NAMESPACE).toBe('c970985f-46b4-47f9-a052-e7be2c1c9258');
    expect(uuidV5('host/pve1')).toBe('c19e7ba8-8fe6-5f7b-9aef-2cd9b0ff45f1');
  });

  it('gives valid, distinct version-5 UUIDs for distinct names', () => {
    const a = uuidV5('opnsense/rule/a');
    const b = uuidV5('opnsense/rule/b');
    expect(validate(a) && version(a) === 5).toBe(true);
    expect(a).not.toBe(b);
    expect(uuidV5('opnsense/rule/a')).toBe(a);
  });
});
