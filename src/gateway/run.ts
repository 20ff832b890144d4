// CLI entry points for `beelab gateway`: serve, hash-key, check and service.
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { hashKey, newKey } from './api-keys.ts';
import { createGateway } from './create-gateway.ts';
import { loadGatewayConfig } from './load-config.ts';
import { DEFAULT_ENTRY, renderLaunchdPlist, renderSystemdUnit } from './service-files.ts';

/** Runs the gateway until SIGTERM/SIGINT, then drains. */
export async function serve(configPath: string): Promise<void> {
  const config = await loadGatewayConfig(configPath);
  const gw = createGateway(config);
  try {
    await gw.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { admin?: boolean };
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      const admin = e.admin && config.admin.listen !== 'main' ? config.admin.listen : undefined;
      if (admin)
        throw new UserError(
          `cannot listen on ${admin.host}:${admin.port} for /status and /metrics (${e.code})`,
          [`  change admin.listen in ${configPath} (a free { host, port }, or "main" with admin keys)`],
        );
      throw new UserError(`cannot listen on ${config.listen.host}:${config.listen.port} (${e.code})`, [
        `  change listen.host / listen.port in ${configPath}`,
      ]);
    }
    throw err;
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      gw.logger.log('info', 'signal received, draining', { signal });
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      void gw.close().then(done);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

/** Hashes a key given as argument or on stdin; with `fresh`, makes a new key first. */
export async function hashKeyCommand(
  key: string | undefined,
  fresh: boolean,
  json: boolean,
): Promise<string> {
  let k = key;
  if (fresh) k = newKey();
  if (!k && !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    k = Buffer.concat(chunks).toString('utf8').trim();
  }
  if (!k)
    throw new UserError('no key given', [
      '  pass it on stdin (echo -n "$KEY" | beelab gateway hash-key) or use --new',
    ]);
  const hash = hashKey(k);
  if (json) return JSON.stringify(fresh ? { key: k, hash } : { hash });
  return fresh
    ? `key:  ${k}\nhash: ${hash}\n\nGive the key to its user; put only the hash in gateway.yaml under auth.keys.`
    : hash;
}

/** Validates a config and summarises it. */
export async function checkCommand(configPath: string, json: boolean): Promise<string> {
  const c = await loadGatewayConfig(configPath);
  const summary = {
    file: configPath,
    listen: `${c.listen.host}:${c.listen.port}`,
    admin: c.admin.listen === 'main' ? 'main' : `${c.admin.listen.host}:${c.admin.listen.port}`,
    adminKeys: c.admin.keys.map((k) => k.name),
    backends: c.backends.map((b) => ({ name: b.name, kind: b.kind, url: b.url })),
    aliases: Object.keys(c.aliases),
    keys: c.auth.keys.map((k) => k.name),
    strategy: c.routing.strategy,
  };
  if (json) return JSON.stringify(summary, null, 2);
  return [
    `${configPath} is valid`,
    `  listen   ${summary.listen}`,
    `  admin    ${summary.admin} (/status, /metrics; ${summary.adminKeys.length ? `${summary.adminKeys.length} admin key(s)` : 'no admin key'})`,
    `  backends ${summary.backends.map((b) => `${b.name} (${b.kind} ${b.url})`).join(', ')}`,
    `  keys     ${summary.keys.length}`,
    `  strategy ${summary.strategy}`,
  ].join('\n');
}

/** Renders the systemd unit or launchd plist for a config; the service runs the bundle at `entry`. */
export async function serviceCommand(
  configPath: string,
  kind: string,
  target: { node?: string; entry?: string } = {},
): Promise<string> {
  if (kind !== 'systemd' && kind !== 'launchd')
    throw new UserError(`unknown service kind "${kind}"`, ['  use --kind systemd or --kind launchd']);
  const c = await loadGatewayConfig(configPath);
  const opts = {
    node: target.node ?? process.execPath,
    entry: target.entry ?? DEFAULT_ENTRY[kind],
    config: resolve(configPath),
    // The lower of the two ports decides whether the unit may bind below 1024.
    port: lowestPort(c.listen.port, c.admin.listen === 'main' ? 0 : c.admin.listen.port),
    stopTimeoutSec: Math.ceil(c.timeouts.drainMs / 1000) + 5,
  };
  return kind === 'systemd' ? renderSystemdUnit(opts) : renderLaunchdPlist(opts);
}

/** Builds the single-file gateway (`beelab gateway bundle --out FILE`) and says how to run it. */
export async function bundleCommand(out: string): Promise<string> {
  const { bundleGateway } = await import('./bundle.ts');
  const bytes = await bundleGateway(resolve(out));
  return `wrote ${out} (${Math.round(bytes / 1024)} KiB); run it with: node ${out} --config gateway.yaml`;
}

/** The lower of two ports, ignoring 0 (any free port). */
function lowestPort(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}
