// `beelab drift [dir]`: the running firewall's configuration against the rendered one, item by item.
import { InvalidArgumentError } from 'commander';
import { ExitError } from '../../errors.ts';
import type { DefineCommand } from './index.ts';

export const defineDrift: DefineCommand = (program) => {
  program
    .command('drift')
    .description(
      "download the running firewall's configuration (OPNsense: its API; pfSense and VyOS: over SSH) and report rule by rule and host mapping by host mapping what differs from the rendered one",
    )
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option('--url <url>', "the firewall's API, e.g. https://10.20.10.1 (default: its management address)")
    .option('--api-key <file>', 'apikey.txt as OPNsense downloads it (default: the secret firewall-api-key)')
    .option('--ca <file>', "PEM certificate to trust (the firewall's own, usually self-signed)")
    .option('--insecure', 'do not verify the certificate (said in the output)')
    .option('--host <address>', 'pfSense/VyOS: the firewall to log in to (default: its management address)')
    .option('--port <n>', 'pfSense/VyOS: its SSH port (default: 22)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a TCP port, 1-65535');
      return n;
    })
    .option('--user <name>', 'pfSense/VyOS: the login (default: admin on pfSense, vyos on VyOS)')
    .option('--identity <file>', 'pfSense/VyOS: a private key file (default: the secret firewall-ssh-key)')
    .option(
      '--known-hosts <file>',
      "pfSense/VyOS: the file pinning the firewall's host key (default: network/known_hosts in the site)",
    )
    .option(
      '--export',
      'write the live rules, aliases and host mappings to network/<platform>/export/ and commit them',
    )
    .option('--exit-code', 'exit 1 when there is drift (for CI and timers)')
    .option('--json', 'the differences as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  beelab drift my-lab --ca fw.pem             # key and secret from secrets/firewall-api-key.age',
        '  beelab drift my-lab --api-key apikey.txt --export',
        '  beelab drift my-pfsense-lab                  # SSH key from secrets/firewall-ssh-key.age, host key pinned in network/known_hosts',
        '  beelab drift my-vyos-lab --host 10.20.10.1 --identity ~/.ssh/id_ed25519',
        '',
        'See docs/pipeline.md#beelab-drift.',
      ].join('\n'),
    )
    .action(
      async (
        dir: string,
        opts: {
          url?: string;
          apiKey?: string;
          ca?: string;
          insecure?: boolean;
          host?: string;
          port?: number;
          user?: string;
          identity?: string;
          knownHosts?: string;
          export?: boolean;
          exitCode?: boolean;
          json?: boolean;
        },
      ) => {
        const { driftSite } = await import('../../pipeline/drift/drift.ts');
        const r = await driftSite(dir, opts);
        if (opts.exitCode && r.drifts.length > 0) throw new ExitError(1);
      },
    );
};
