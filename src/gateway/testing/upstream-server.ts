// A stand-in OpenAI-protocol model server in its own process: the test suite's fake upstream on a fixed
// address and port. The gateway benchmark runs it on loopback; the AI lab proof runs one per backend of the
// rendered gateway.yaml, at each Mac's lab address, named so a client can tell which one answered.
//   upstream-server.ts PORT [CHUNKS] [--host ADDRESS] [--name NAME] [--models a,b] [--chunk-delay-ms MS]
import { parseArgs } from 'node:util';
import { FakeUpstream } from './fake-upstream.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    name: { type: 'string' },
    models: { type: 'string', default: 'bench-model' },
    'chunk-delay-ms': { type: 'string', default: '0' },
  },
});
const port = Number(positionals[0]);
const chunks = Number(positionals[1] ?? 8);
const u = new FakeUpstream({
  chunks,
  chunkDelayMs: Number(values['chunk-delay-ms']),
  models: values.models.split(',').filter((m) => m !== ''),
  ...(values.name ? { name: values.name } : {}),
});
await u.listen(port, values.host);
process.stdout.write(`READY ${values.host}:${port}\n`);
process.on('SIGTERM', () => void u.close().then(() => process.exit(0)));
