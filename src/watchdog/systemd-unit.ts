// The hardened systemd unit for a Pi running the watchdog, rendered from a few paths.
import { SYSTEMD_SANDBOX } from '../kernel/systemd.ts';
import { toIni } from '../tree/serialize/ini.ts';

/** Where things live on the Pi. */
export interface UnitOptions {
  /** Node 20 binary; default /usr/bin/node. */
  node?: string;
  /** The single-file build (`beelab watchdog --bundle`); default /opt/beelab-watchdog/beelab-watchdog.mjs. */
  entry?: string;
  /** Default /etc/beelab-watchdog/watchdog.yaml. */
  config?: string;
  /** GPIO character devices the relay drivers use, e.g. /dev/gpiochip0; none when only plugs are used. */
  gpioChips?: string[];
}

/** Heap limits the unit sets; the memory script measures with the same. */
export const NODE_OPTIONS = '--max-old-space-size=32 --max-semi-space-size=1';
/** V8 flags not allowed in NODE_OPTIONS: no optimising compiler, no background threads; a watchdog is not hot code. */
export const NODE_FLAGS = '--lite-mode --single-threaded';
/** The service's environment; the memory script runs the bundle with the same. */
export const UNIT_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  NODE_OPTIONS,
  UV_THREADPOOL_SIZE: '2',
};

export function renderSystemdUnit(opts: UnitOptions = {}): string {
  const node = opts.node ?? '/usr/bin/node';
  const entry = opts.entry ?? '/opt/beelab-watchdog/beelab-watchdog.mjs';
  const config = opts.config ?? '/etc/beelab-watchdog/watchdog.yaml';
  const chips = opts.gpioChips ?? [];
  return toIni(
    {
      Unit: {
        Description: 'Beelab watchdog (power-cycles hung machines)',
        Wants: 'network-online.target',
        After: 'network-online.target time-sync.target',
        // Never stop restarting the thing that restarts everything else.
        StartLimitIntervalSec: 0,
      },
      Service: {
        Type: 'simple',
        ...SYSTEMD_SANDBOX,
        ExecStart: `${node} ${NODE_FLAGS} ${entry} --config ${config}`,
        Restart: 'always',
        RestartSec: 5,
        // SIGTERM to node only: a running gpioset/driver call finishes and power is restored before exit.
        KillMode: 'mixed',
        TimeoutStopSec: 120,
        // A small heap keeps RSS near the Pi Zero budget; see docs/watchdog.md for the measured figure.
        Environment: Object.entries(UNIT_ENVIRONMENT).map(([k, v]) =>
          v.includes(' ') ? `"${k}=${v}"` : `${k}=${v}`,
        ),
        DynamicUser: 'yes',
        SupplementaryGroups: chips.length > 0 ? 'gpio' : undefined,
        StateDirectory: 'beelab-watchdog',
        StateDirectoryMode: '0700',
        ConfigurationDirectory: 'beelab-watchdog',
        UMask: '0077',
        // ping needs CAP_NET_RAW (ambient capabilities survive exec, unlike file capabilities under NoNewPrivileges).
        AmbientCapabilities: 'CAP_NET_RAW',
        CapabilityBoundingSet: 'CAP_NET_RAW',
        ProtectHome: 'yes',
        RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX AF_NETLINK',
        DevicePolicy: 'closed',
        DeviceAllow: chips.map((c) => `${c} rw`),
        MemoryHigh: '64M',
        MemoryMax: '96M',
        TasksMax: 64,
      },
      Install: { WantedBy: 'multi-user.target' },
    },
    { header: 'Beelab watchdog: probes machines and power-cycles a hung one (see docs/watchdog.md).' },
  );
}
