// `beelab status`: probes every host and service of a rendered site (or a YAML list of targets).
import { stopWithLauncher } from '../launcher.ts';
import type { DefineCommand } from './index.ts';

export const defineStatus: DefineCommand = (program) => {
  program
    .command('status')
    .description('Probe every host and service of the site: ICMP, TCP, HTTP health, TLS certificate expiry')
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option('-t, --targets <file>', 'probe a YAML list of targets instead of a site')
    .option('--json', 'print JSON for scripts')
    .option('-w, --watch', 'refresh until interrupted')
    .option('--interval <duration>', 'refresh interval for --watch', '10s')
    .option('--timeout <duration>', 'deadline of each check', '2s')
    .option('--concurrency <n>', 'checks in flight at once', '128')
    .option('--list', 'print the checks that would run, and send nothing')
    .addHelpText(
      'after',
      `
Exit code: 0 when nothing is down, 1 when something is down, 2 on a usage error.

Examples:
  beelab status                      # the site in the current directory
  beelab status ~/lab --json | jq '.results[] | select(.state == "down")'
  beelab status --targets targets.yaml --watch --interval 5s
  beelab status ~/lab --list         # see what would be probed, send nothing

targets.yaml is a list of probes with names:
  - { name: nas, kind: tcp, host: 10.20.0.12, port: 22 }
  - { name: ai1, kind: http, url: "http://10.20.0.21:8080/health", expectStatus: [200] }
  - { name: proxy, kind: tls, host: 10.20.0.40, port: 443, servername: photos.lab.example.com }

Only run it where the site's addresses are your own lab.`,
    )
    .action(async (dir: string, opts) => {
      const { runStatus } = await import('../../status/run.ts');
      stopWithLauncher();
      await runStatus({ ...opts, dir });
    });
};
