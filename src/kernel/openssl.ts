// openssl's arguments for a self-signed ECDSA P-256 certificate: the one recipe the site's tools and checks use.

export interface SelfSigned {
  days: number;
  /** The certificate's subject, e.g. `/CN=Beelab cluster apps CA`. */
  subject: string;
  /** Where the key goes; the same path as `out` puts key and certificate in one file (openssl appends). */
  keyout: string;
  out: string;
  /** `-addext` values, e.g. `basicConstraints=critical,CA:TRUE,pathlen:0`. */
  extensions?: readonly string[];
}

/** `openssl req -x509` arguments for a new P-256 key and its self-signed certificate, the key unencrypted. */
export function selfSignedArgs(o: SelfSigned): string[] {
  return [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-noenc',
    '-days',
    String(o.days),
    '-subj',
    o.subject,
    ...(o.extensions ?? []).flatMap((e) => ['-addext', e]),
    '-keyout',
    o.keyout,
    '-out',
    o.out,
  ];
}
