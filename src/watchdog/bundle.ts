// Builds the watchdog into one plain-JS file for the Pi: no tsx loader thread, no TypeScript at run time,
// which is what keeps resident memory under 60 MB (see docs/watchdog.md).
import { fileURLToPath } from 'node:url';

export async function bundleWatchdog(outfile: string): Promise<number> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./bundle-entry.ts', import.meta.url))],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    // Some dependencies still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
}
