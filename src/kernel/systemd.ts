// The sandbox every Beelab service unit runs in: systemd settings both the gateway and the watchdog use.

/** Hardening shared by every unit Beelab writes; each unit adds what its job needs (capabilities, devices). */
export const SYSTEMD_SANDBOX = {
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  PrivateTmp: 'yes',
  ProtectKernelTunables: 'yes',
  ProtectKernelModules: 'yes',
  ProtectKernelLogs: 'yes',
  ProtectControlGroups: 'yes',
  ProtectClock: 'yes',
  ProtectHostname: 'yes',
  ProtectProc: 'invisible',
  ProcSubset: 'pid',
  RestrictNamespaces: 'yes',
  RestrictRealtime: 'yes',
  RestrictSUIDSGID: 'yes',
  LockPersonality: 'yes',
  RemoveIPC: 'yes',
  SystemCallArchitectures: 'native',
  SystemCallFilter: '@system-service',
  // Node's JIT needs writable+executable pages, so MemoryDenyWriteExecute stays off.
} as const;
