// The e2e target: an HTTP service that "hangs" on SIGUSR1, loses power with its link, and reboots when it returns.
// Usage (inside the target namespace): target-machine.ts --listen 10.250.1.2:80 --dev eth0 --boot-ms 1500 [--hang-after-boot]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    dev: { type: 'string' },
    'boot-ms': { type: 'string', default: '1500' },
    'hang-after-boot': { type: 'boolean', default: false },
  },
});
const [host, port] = values.listen!.split(':');
const bootMs = Number(values['boot-ms']);
let hung = false;
let server: http.Server | undefined;
let powered = true;
let bootTimer: NodeJS.Timeout | undefined;

const say = (event: string) => process.stdout.write(`${JSON.stringify({ at: Date.now(), event })}\n`);

function serve() {
  server = http.createServer((_req, res) => {
    if (hung) return; // accepts, never answers: what a wedged machine looks like to a probe
    res.writeHead(200).end('ok');
  });
  server.listen(Number(port), host, () => say('serving'));
}

function linkUp(): boolean {
  try {
    return readFileSync(`/sys/class/net/${values.dev}/operstate`, 'utf8').trim() === 'up';
  } catch {
    return false;
  }
}

// Power follows the link the plug controls.
setInterval(() => {
  const up = linkUp();
  if (powered && !up) {
    powered = false;
    clearTimeout(bootTimer);
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    say('power-off');
  } else if (!powered && up) {
    powered = true;
    say('booting');
    bootTimer = setTimeout(() => {
      hung = values['hang-after-boot'];
      serve();
    }, bootMs);
  }
}, 50);

process.on('SIGUSR1', () => {
  hung = true;
  say('hung');
});
process.on('SIGTERM', () => process.exit(0));
serve();
