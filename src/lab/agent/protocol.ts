// What the lab's in-namespace agent is told at start and asked over its control socket (JSON, one line each).

/** A port the agent listens on, as a stand-in for a service of the Site. */
export interface Listener {
  /** Address to bind; 0.0.0.0 on the router (the firewall answers on every one of its addresses). */
  address: string;
  proto: 'tcp' | 'udp';
  port: number;
}

/** Written by `lab up` and passed to the agent as its only argument. */
export interface AgentConfig {
  /** Namespace it runs in, for messages. */
  netns: string;
  /** Unix socket for control; a filesystem path, so it is reachable from any namespace. */
  socket: string;
  listeners: Listener[];
}

/** One connection attempt from `src` (one of the agent's addresses). */
export interface Probe {
  id: number;
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'icmp';
  /** null for icmp. */
  port: number | null;
  timeoutMs: number;
  /**
   * tcp to a lab machine: the handshake is the proof (its real services speak their own protocol, not
   * the listeners' echo), so no source address comes back.
   */
  handshake?: boolean;
}

export interface ProbeResult {
  id: number;
  /** tcp: handshake done and the echo came back; udp: the echo came back; icmp: echo reply. */
  connected: boolean;
  /** The source address the listener saw (tcp/udp), proving addresses are real or NAT happened. */
  peer?: string;
  /** Why it did not connect: timeout, ECONNREFUSED, EHOSTUNREACH, ... */
  error?: string;
  ms: number;
}

export interface ResolveAnswer {
  name: string;
  addresses: string[];
  error?: string;
}

export type AgentRequest =
  | { op: 'status' }
  | { op: 'probe'; probes: Probe[]; concurrency: number }
  | { op: 'resolve'; server: string; local: string; names: string[]; timeoutMs: number };

export type AgentResponse =
  | { op: 'status'; listening: number; errors: string[] }
  | { op: 'probe'; results: ProbeResult[] }
  | { op: 'resolve'; answers: ResolveAnswer[] }
  | { op: 'error'; message: string };
