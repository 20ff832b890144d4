// The e2e smart plug: the fake plug on a namespace address; switching off takes the target's link down.
// Usage (inside the plug namespace): plug-server.ts --listen 10.250.1.1:80 --link vt --log plug.jsonl [--broken-timer]
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createFakePlug } from './fake-plug.ts';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    link: { type: 'string' },
    log: { type: 'string' },
    'broken-timer': { type: 'boolean', default: false },
  },
});
const [host, port] = values.listen!.split(':');
const log = (entry: object) => appendFileSync(values.log!, `${JSON.stringify(entry)}\n`);

const plug = createFakePlug({
  brokenTimer: values['broken-timer'],
  log: (e) => log({ kind: 'request', ...e }),
  onPower: (on) => {
    // Power to the target is its link: down means the machine is off.
    execFileSync('ip', ['link', 'set', values.link!, on ? 'up' : 'down']);
    log({ kind: 'power', at: Date.now(), on });
  },
});
plug.server.listen(Number(port), host, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => void plug.close().then(() => process.exit(0)));
