// The probe vocabulary shared by the watchdog and `beelab status`: what to check, and what came back.

/** ICMP echo through the system `ping` binary (it holds the raw-socket privilege, Node does not). */
export interface IcmpProbe {
  kind: 'icmp';
  host: string;
}

/** A TCP connect; up when the handshake completes. */
export interface TcpProbe {
  kind: 'tcp';
  host: string;
  port: number;
}

/** An HTTP(S) request; up when the status is one of `expectStatus` (default 200-399). */
export interface HttpProbe {
  kind: 'http';
  url: string;
  /** Accepted statuses; default: any 2xx or 3xx. A model server loading answers 503: list it to accept it. */
  expectStatus?: number[];
  /** Default GET. */
  method?: 'GET' | 'HEAD';
  /** Accept self-signed or expired certificates (lab appliances). Default false. */
  insecure?: boolean;
  headers?: Record<string, string>;
}

/** A TLS handshake that reads the server certificate's expiry. Untrusted certificates are read, not rejected. */
export interface TlsProbe {
  kind: 'tls';
  host: string;
  port: number;
  /** SNI name; default the host when it is a name, none when it is an address. */
  servername?: string;
  /** Below this many days left the result is `warn`. Default 14. */
  warnDays?: number;
}

/** One check of one endpoint. */
export type ProbeSpec = IcmpProbe | TcpProbe | HttpProbe | TlsProbe;

/** `warn` still counts as reachable (a certificate close to expiry); only `down` fails. */
export type ProbeState = 'up' | 'warn' | 'down';

/** What a probe saw. `detail` is one short human line (status code, error code, days left). */
export interface ProbeResult {
  state: ProbeState;
  /** Wall time the check took, in milliseconds. */
  ms: number;
  detail: string;
}

/** Per-check options. */
export interface ProbeOptions {
  /** Hard deadline for the whole check, in milliseconds. */
  timeoutMs: number;
  /** Injected wall clock for certificate expiry (tests); default Date.now. */
  now?: () => number;
}
