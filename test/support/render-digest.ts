// Child-process half of the determinism test: renders the named examples and prints path → sha256 as JSON.
import { createHash } from 'node:crypto';
import { renderExample } from './examples.ts';

const out: Record<string, Record<string, string>> = {};
for (const name of process.argv.slice(2)) {
  const files = await renderExample(name);
  out[name] = Object.fromEntries(
    [...files].map(([p, f]) => [
      p,
      createHash('sha256').update(`${f.layer} ${f.mode} ${f.content}`).digest('hex'),
    ]),
  );
}
process.stdout.write(`${JSON.stringify(out)}\n`);
