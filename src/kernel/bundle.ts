// One plain-JS ESM file from a TypeScript entry, for the runtimes deployed without tsx (gateway, watchdog):
// no loader thread and no TypeScript at run time, which saves tens of MB of resident memory.

/** Bundles `entry` (a file path) into `outfile`; returns the output's size in bytes. */
export async function bundleEntry(
  entry: string,
  outfile: string,
  opts: { minify?: boolean } = {},
): Promise<number> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: opts.minify ?? true,
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
