// Benchmark upstream: the test suite's OpenAI-protocol fake on a fixed port, in its own process.
import { FakeUpstream } from '../../src/gateway/testing/fake-upstream.ts';

const port = Number(process.argv[2]);
const chunks = Number(process.argv[3] ?? 8);
const u = new FakeUpstream({ chunks, models: ['bench-model'] });
await u.listen(port);
process.stdout.write(`READY ${port}\n`);
process.on('SIGTERM', () => void u.close().then(() => process.exit(0)));
