// `beelab gateway`: run the OpenAI-compatible AI gateway, and its helpers (hash-key, check, service).
import { stopWithLauncher } from '../launcher.ts';
import type { DefineCommand } from './index.ts';

export const defineGateway: DefineCommand = (program) => {
  const gw = program
    .command('gateway')
    .description('Run the OpenAI-compatible AI gateway in front of the AI mesh backends.')
    .option('-c, --config <file>', 'gateway config (YAML)', 'gateway.yaml')
    .addHelpText(
      'after',
      `
Examples:
  beelab gateway --config gateway.yaml           serve until SIGTERM, then drain
  beelab gateway hash-key --new                  make a key and the hash for auth.keys
  beelab gateway check --config gateway.yaml     validate the config
  beelab gateway bundle --out /opt/beelab-gateway/beelab-gateway.mjs   the file the service runs
  beelab gateway service --kind systemd --config /etc/beelab/gateway.yaml > beelab-gateway.service`,
    )
    .action(async (opts: { config: string }) => {
      const { serve } = await import('../../gateway/run.ts');
      stopWithLauncher();
      await serve(opts.config);
    });

  // The parent's --config also matches after a subcommand name, so read it from there as well.
  const configOf = (opts: { config?: string }): string =>
    opts.config ?? (gw.opts() as { config: string }).config;

  gw.command('hash-key')
    .description('Print the sha256 hash of an API key (from the argument, stdin, or --new).')
    .argument('[key]', 'the key; prefer stdin so it stays out of shell history')
    .option('--new', 'generate a new random key and print it with its hash')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExample:\n  echo -n "$KEY" | beelab gateway hash-key\n  beelab gateway hash-key --new --json',
    )
    .action(async (key: string | undefined, opts: { new?: boolean; json?: boolean }) => {
      const { hashKeyCommand } = await import('../../gateway/run.ts');
      process.stdout.write(`${await hashKeyCommand(key, Boolean(opts.new), Boolean(opts.json))}\n`);
    });

  gw.command('check')
    .description('Validate a gateway config and summarise it.')
    .option('-c, --config <file>', 'gateway config (YAML) (default: "gateway.yaml")')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  beelab gateway check --config gateway.yaml --json')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const { checkCommand } = await import('../../gateway/run.ts');
      process.stdout.write(`${await checkCommand(configOf(opts), Boolean(opts.json))}\n`);
    });

  gw.command('service')
    .description('Print a hardened systemd unit or a launchd plist that runs the gateway bundle.')
    .option(
      '-c, --config <file>',
      'gateway config (YAML), as it will sit on the target (default: "gateway.yaml")',
    )
    .option('--kind <kind>', 'systemd or launchd', 'systemd')
    .option('--node <path>', 'node binary on the target (default: the node running this command)')
    .option(
      '--entry <path>',
      'the `gateway bundle` file on the target (default: /opt/beelab-gateway/beelab-gateway.mjs for systemd, /usr/local/lib/beelab-gateway/beelab-gateway.mjs for launchd)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  beelab gateway service --kind launchd --config /usr/local/etc/beelab/gateway.yaml > com.beelab.gateway.plist',
    )
    .action(async (opts: { config?: string; kind: string; node?: string; entry?: string }) => {
      const { serviceCommand } = await import('../../gateway/run.ts');
      process.stdout.write(
        await serviceCommand(configOf(opts), opts.kind, { node: opts.node, entry: opts.entry }),
      );
    });

  gw.command('bundle')
    .description('Build the gateway into one plain-JS file that the service runs with plain node.')
    .requiredOption('-o, --out <file>', 'where to write the bundle (an .mjs file)')
    .addHelpText(
      'after',
      '\nExample:\n  beelab gateway bundle --out /opt/beelab-gateway/beelab-gateway.mjs\n  node /opt/beelab-gateway/beelab-gateway.mjs --config gateway.yaml',
    )
    .action(async (opts: { out: string }) => {
      const { bundleCommand } = await import('../../gateway/run.ts');
      process.stdout.write(`${await bundleCommand(opts.out)}\n`);
    });
};
