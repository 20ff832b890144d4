// The firewall policy intermediate form: one backend-neutral policy that every firewall backend compiles from.

/**
 * A zone is where traffic enters the firewall: one per VLAN, plus the WAN.
 * Zone names are the VLAN names; 'wan' is the uplink. Names in RESERVED_ZONE_NAMES cannot be VLAN names.
 */
export interface Zone {
  name: string;
  kind: 'vlan' | 'wan';
  /** VLAN only: 802.1Q tag. */
  tag?: number;
  /** VLAN only: the subnet, e.g. 10.20.10.0/24. */
  cidr?: string;
  /** VLAN only: the firewall's own address on the VLAN. */
  gateway?: string;
  prefix?: number;
  /** VLAN purpose (management, servers, ...); undefined for the WAN. */
  purpose?: string;
  /** Egress to the internet: yes, no, or limited (logged, web only). */
  internet: 'yes' | 'no' | 'limited';
  /** VLAN only: the locked interface slot (opt<N> on the pf firewalls); absent on the `lan` VLAN. */
  ifSlot?: number;
}

/** Names a VLAN may not take because the policy gives them a meaning. */
export const RESERVED_ZONE_NAMES = ['wan', 'firewall', 'internet', 'any', 'tailnet', 'self'] as const;

/** A named set of IPv4 addresses (hosts, VIPs, role members), all inside one zone. Becomes an alias / set / group. */
export interface AddressSet {
  /** Matches SET_NAME_PATTERN (^[a-z][a-z0-9][a-z0-9_]{0,29}$) so every backend can use it as an alias/group/set name. */
  name: string;
  /** The zone every address lies in. */
  zone: string;
  /** Sorted, unique IPv4 addresses (no prefixes). */
  addresses: string[];
  /** What the set stands for, e.g. "hosts with role pve". */
  description: string;
}

/** Where a rule sends traffic: a zone (VLAN subnet), the firewall itself, or the internet (not private space). */
export type Destination = string;
/** The firewall's own addresses (DNS, DHCP, NTP, management GUI). */
export const FIREWALL = 'firewall';
/** Anything outside PRIVATE_NETS, leaving through the WAN. */
export const INTERNET = 'internet';

/** Address space that is never "internet": RFC 1918, CGNAT (tailnet), link-local. */
export const PRIVATE_NETS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
] as const;

/** 'any' matches every IPv4 protocol; ports are only meaningful for tcp and udp. */
export type RuleProtocol = 'tcp' | 'udp' | 'icmp' | 'any';

/**
 * One firewall rule. Rules are evaluated first match wins, in array order, per `from` zone, on traffic
 * entering the firewall from that zone. Every rule is stateful: return traffic of a passed connection is allowed.
 */
export interface PolicyRule {
  /** Stable id, unique in the policy, e.g. `flow/prometheus->node-exporter/management->servers`. */
  id: string;
  /** Zone the traffic enters from. */
  from: string;
  /** Address set (by name) the source must be in; undefined = any source in the zone. */
  fromAddrs?: string;
  /** A zone name, FIREWALL, or INTERNET. */
  to: Destination;
  /** Address set (by name) the destination must be in; undefined = the whole zone / firewall / internet. */
  toAddrs?: string;
  protocol: RuleProtocol;
  /** Destination ports (sorted, unique); empty = every port (always empty for icmp and any). */
  ports: number[];
  /** ICMP only: the type matched; 'echo-request' is the only one the policy uses. */
  icmpType?: 'echo-request';
  action: 'pass' | 'block';
  log: boolean;
  /** Why the rule exists, shown as its description on the firewall. */
  why: string;
  /** The Site flow it came from, when it came from one (the first, when several were merged). */
  flowId?: string;
  /** Every Site flow the rule carries: rules alike but for their destination hosts are merged into one. */
  flowIds?: string[];
  /** The service (catalog entry) whose flows the rule carries. */
  service?: string;
  /** Which part of the baseline or which flow produced it. */
  origin: 'baseline' | 'flow' | 'egress' | 'isolation' | 'default';
}

/** A flow the firewall does not enforce (e.g. tailnet traffic, which the tailnet ACL governs), kept for the docs. */
export interface UnenforcedFlow {
  flowId: string;
  reason: string;
}

/** The whole firewall policy: zones, address sets and ordered rules on a default-deny baseline. */
export interface Policy {
  zones: Zone[];
  sets: AddressSet[];
  /** Ordered; within one `from` zone the order is the evaluation order. */
  rules: PolicyRule[];
  /** Outbound NAT: every VLAN with internet != 'no' is masqueraded behind the WAN address. */
  nat: { zone: string; cidr: string }[];
  unenforced: UnenforcedFlow[];
}

/** DHCP service on one VLAN, served by the firewall. */
export interface DhcpScope {
  zone: string;
  tag: number;
  cidr: string;
  prefix: number;
  /** Inclusive pool. */
  range: [string, string];
  /** Router, DNS server and NTP server handed out: the firewall's address on the VLAN. */
  gateway: string;
  /** Search domain handed out. */
  domain: string;
  /** Lease time in seconds. */
  leaseSeconds: number;
}

/** A fixed address handed out by DHCP for a known MAC. */
export interface StaticMapping {
  host: string;
  zone: string;
  mac: string;
  address: string;
  /** Short host name given to the client. */
  hostname: string;
}

/** An A record served by the firewall's resolver. */
export interface DnsRecord {
  /** Short name; the record is `${name}.${domain}`. */
  name: string;
  /** Always the site domain, kept so backends need not know the Site. */
  domain: string;
  address: string;
  kind: 'host' | 'vip' | 'service' | 'firewall';
  description: string;
}

/** DHCP and DNS the firewall serves: scopes per VLAN, static mappings, host records. */
export interface Addressing {
  domain: string;
  firewall: { hostname: string; wan: string; trunk: string };
  scopes: DhcpScope[];
  /** Sorted by zone then address. */
  mappings: StaticMapping[];
  /** Sorted by name. */
  records: DnsRecord[];
}
