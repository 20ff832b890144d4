// Digest authentication against the worked example of RFC 7616 §3.9.1.
import { describe, expect, it } from 'vitest';
import { digestHeader, parseChallenge } from './digest-auth.ts';

const challenge = {
  realm: 'http-auth@example.org',
  qop: 'auth, auth-int',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};
const req = {
  method: 'GET',
  uri: '/dir/index.html',
  username: 'Mufasa',
  password: 'Circle of Life',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: 1,
};

describe('digest auth (RFC 7616 example)', () => {
  it('computes the SHA-256 and MD5 responses of the RFC', () => {
    const sha = parseChallenge(digestHeader({ ...challenge, algorithm: 'SHA-256' }, req));
    expect(sha?.response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    const md5 = parseChallenge(digestHeader({ ...challenge, algorithm: 'MD5' }, req));
    expect(md5?.response).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(sha).toMatchObject({
      qop: 'auth',
      nc: '00000001',
      opaque: challenge.opaque,
      uri: '/dir/index.html',
    });
  });

  it('parses a Shelly challenge', () => {
    expect(
      parseChallenge(
        'Digest qop="auth", realm="shellyplus1-a8032ab12345", nonce="60dc59c6", algorithm=SHA-256',
      ),
    ).toEqual({
      qop: 'auth',
      realm: 'shellyplus1-a8032ab12345',
      nonce: '60dc59c6',
      algorithm: 'SHA-256',
    });
    expect(parseChallenge('Basic realm="x"')).toBeUndefined();
  });
});
