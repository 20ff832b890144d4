// `beelab ui [dir]`: load and plan the site, start the dashboard on 127.0.0.1, print its address, serve
// until interrupted.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Journal } from '../apply/journal.ts';
import { UserError } from '../errors.ts';
import { DURATION_HINT, parseDuration } from '../kernel/duration.ts';
import { renderProject } from '../project/render.ts';
import { targetsFromSite } from '../status/from-site.ts';
import { loadTargetsFile } from '../status/targets-file.ts';
import { MANIFEST_PATH } from '../tree/manifest.ts';
import { LiveStatus } from './live.ts';
import { dashboardModel } from './model.ts';
import { reachFromHere } from './reach.ts';
import { createUiServer } from './server.ts';

export interface UiOptions {
  dir: string;
  port: string;
  targets?: string;
  interval: string;
  timeout: string;
}

function ms(flag: string, value: string, min: number): number {
  const v = parseDuration(value);
  if (v === undefined) throw new UserError(`${flag} ${value} is not a duration; ${DURATION_HINT}`);
  if (v < min) throw new UserError(`${flag} ${value} is below ${min} ms`);
  return v;
}

export async function runUi(opts: UiOptions): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port ${opts.port} is not a TCP port (0 to 65535; 0 picks a free one)`);
  const intervalMs = ms('--interval', opts.interval, 500);
  const timeoutMs = ms('--timeout', opts.timeout, 100);
  if (!existsSync(join(opts.dir, 'beelab.yaml')))
    throw new UserError(`${join(opts.dir, 'beelab.yaml')} not found`, [
      'Run beelab ui in a site directory or pass it: beelab ui path/to/site',
    ]);
  const out = await renderProject(opts.dir, { dryRun: true });
  const site = out.project.site;
  const journal = Journal.open(opts.dir).records;
  const model = dashboardModel({
    site,
    tree: out.tree,
    plan: out.plan.entries,
    rendered: existsSync(join(opts.dir, MANIFEST_PATH)),
    journal,
  });
  const targets = opts.targets ? await loadTargetsFile(opts.targets) : targetsFromSite(site);
  const reach = opts.targets
    ? { reachable: true, why: `probing the ${targets.length} targets of ${opts.targets}` }
    : reachFromHere(site);
  const live = new LiveStatus({ targets, reach, intervalMs, timeoutMs });
  const server = createUiServer({ model, file: (p) => out.tree.get(p)?.content, live });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${port} on 127.0.0.1 is in use`, [
              'Pick another with --port N, or --port 0 for a free one.',
            ])
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  live.start();
  process.stdout.write(
    `Beelab dashboard of ${site.name}: http://127.0.0.1:${bound}/\nLive status: ${reach.reachable ? reach.why : reach.why}\nCtrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      live.stop();
      server.close(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
