// The one shared Debian 12 root every lab machine boots from: built with debootstrap from apt's own mirror, cached by package list.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.ts';
import { unmountUnder } from './stop.ts';

/** The Debian release the machines run (the Site's VMs are Debian 12). */
export const ROOT_SUITE = 'bookworm';

/**
 * What a machine needs to boot, take SSH and be managed by Ansible: systemd as init, sshd, python3 for
 * Ansible's modules, sudo for the inventory's non-root user, iproute2 to look around.
 */
export const ROOT_PACKAGES = [
  'ca-certificates',
  'dbus',
  'iproute2',
  'iputils-ping',
  'openssh-server',
  'procps',
  'python3',
  'sudo',
  'systemd',
  'systemd-sysv',
] as const;

/**
 * What the generated roles install on a Debian host (base, chrony, NUT client, the restic client of the backup
 * layer) plus python3-apt, which Ansible's apt module needs. The machines have no route out, so the root carries these packages, with
 * their dependencies and recommends, as a local apt repository at LAB_APT_DIR, and its sources.list
 * points there: the roles install them for real, from apt, as on a real host.
 */
export const LAB_APT_PACKAGES = [
  'apt-listchanges',
  'chrony',
  'nftables',
  'nut-client',
  'prometheus-node-exporter',
  'python3-apt',
  'restic',
  'unattended-upgrades',
] as const;

/** The lab's in-root apt repository (flat: the .debs and their Packages index). */
export const LAB_APT_DIR = '/srv/beelab-lab-apt';

/** Bumped when the build steps below change, so an old cache entry is not reused for a new recipe. */
const RECIPE = 3;

export function rootCacheBase(): string {
  return process.env.BEELAB_LAB_CACHE ?? '/var/cache/beelab/lab-root';
}

/** The cache key: the package list, the suite and the recipe; the mirror it came from does not change it. */
export function rootKey(packages: readonly string[] = ROOT_PACKAGES): string {
  const text = JSON.stringify({
    suite: ROOT_SUITE,
    variant: 'minbase',
    packages: [...packages].sort(),
    repo: [...LAB_APT_PACKAGES].sort(),
    RECIPE,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** An apt source that serves Debian `main` for a suite. */
export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  /** Keyring from Signed-By, when the source names a file. */
  keyring?: string;
  /** The file it was read from, for messages. */
  file: string;
}

/** Parses one-line `.list` and deb822 `.sources` text; only `deb` entries that are not disabled. */
export function parseAptSources(file: string, text: string): AptSource[] {
  const out: AptSource[] = [];
  if (file.endsWith('.sources')) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const f = new Map<string, string>();
      let last = '';
      for (const line of stanza.split('\n')) {
        if (line.startsWith('#')) continue;
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (m) {
          last = m[1]!.toLowerCase();
          f.set(last, m[2]!.trim());
        } else if (/^\s/.test(line) && last) f.set(last, `${f.get(last)} ${line.trim()}`);
      }
      if (!(f.get('types') ?? '').split(/\s+/).includes('deb')) continue;
      if ((f.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
      const signedBy = f.get('signed-by');
      for (const uri of (f.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
        out.push({
          uri,
          suites: (f.get('suites') ?? '').split(/\s+/).filter(Boolean),
          components: (f.get('components') ?? '').split(/\s+/).filter(Boolean),
          keyring: signedBy?.startsWith('/') ? signedBy : undefined,
          file,
        });
      }
    }
    return out;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const signed = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
    out.push({
      uri: m[2]!,
      suites: [m[3]!],
      components: m[4]!.split(/\s+/).filter(Boolean),
      keyring: signed?.startsWith('/') ? signed : undefined,
      file,
    });
  }
  return out;
}

/** Every source apt itself reads: sources.list and sources.list.d/*.list|*.sources (apt ignores other names). */
export function readAptSources(etc = '/etc/apt'): AptSource[] {
  const files: string[] = [];
  if (existsSync(join(etc, 'sources.list'))) files.push(join(etc, 'sources.list'));
  try {
    for (const n of readdirSync(join(etc, 'sources.list.d')).sort()) {
      if (n.endsWith('.list') || n.endsWith('.sources')) files.push(join(etc, 'sources.list.d', n));
    }
  } catch {
    // no sources.list.d
  }
  return files.flatMap((f) => parseAptSources(f, readFileSync(f, 'utf8')));
}

/** The source to debootstrap from: one that serves `main` of the suite itself (not -security/-updates). */
export function pickMirror(sources: AptSource[], suite = ROOT_SUITE): AptSource | undefined {
  const main = sources.filter((s) => s.components.includes('main') && !/security/.test(s.uri));
  return main.find((s) => s.suites.includes(suite)) ?? main.find((s) => /\/debian\/?$/.test(s.uri));
}

export interface SharedRoot {
  dir: string;
  key: string;
  /** True when this call built it (cold), false when it came from the cache. */
  built: boolean;
  ms: number;
  mirror: string;
}

/** The finished root for the key, if cached: the directory only gets its name once complete. */
export function cachedRoot(key = rootKey()): string | undefined {
  const dir = join(rootCacheBase(), key);
  return existsSync(join(dir, 'etc', 'os-release')) ? dir : undefined;
}

async function chroot(dir: string, script: string): Promise<void> {
  const r = await execa('chroot', [dir, '/bin/sh', '-euc', script], { reject: false });
  if (r.exitCode !== 0) throw new Error(`chroot ${dir}: ${script} failed: ${(r.stderr || r.stdout).trim()}`);
}

/**
 * Returns the shared root, building it when the cache has none for this package list. The build runs in
 * a temporary directory next to the cache entry and is renamed into place only when complete, so an
 * interrupted build never leaves a root that looks finished. `mirror` overrides apt's (tests).
 */
export async function sharedRoot(
  opts: { mirror?: AptSource; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<SharedRoot> {
  const start = performance.now();
  const key = rootKey();
  const hit = cachedRoot(key);
  const src = opts.mirror ?? pickMirror(readAptSources());
  if (hit) return { dir: hit, key, built: false, ms: performance.now() - start, mirror: src?.uri ?? '' };
  if (!src) {
    throw new UserError(`no apt source serves Debian ${ROOT_SUITE} main on this machine`, [
      '  the lab builds its machines from the mirror in /etc/apt/sources.list*; add one, e.g.',
      `  deb http://deb.debian.org/debian ${ROOT_SUITE} main`,
    ]);
  }
  const base = rootCacheBase();
  const final = join(base, key);
  const tmp = join(base, `.build-${key}-${process.pid}`);
  await removeStaleBuilds(base);
  await removeBuild(tmp);
  opts.log?.(
    `lab: building the machines' Debian ${ROOT_SUITE} root from ${src.uri} (once; cached in ${final})`,
  );
  const argv = [
    '--variant=minbase',
    `--include=${ROOT_PACKAGES.join(',')}`,
    ...(src.keyring ? [`--keyring=${src.keyring}`] : []),
    ROOT_SUITE,
    tmp,
    src.uri,
  ];
  try {
    const r = await execa('debootstrap', argv, { reject: false, all: true, cancelSignal: opts.signal });
    opts.signal?.throwIfAborted();
    if (r.exitCode !== 0) {
      const lines = (r.all ?? '').trim().split('\n');
      const logFile = join(tmp, 'debootstrap', 'debootstrap.log');
      const detail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5) : [];
      throw new UserError(`debootstrap of Debian ${ROOT_SUITE} from ${src.uri} failed (exit ${r.exitCode})`, [
        `  apt source: ${src.uri} ${src.suites.join(' ')} ${src.components.join(' ')} (from ${src.file})`,
        ...[...lines.slice(-4), ...detail].map((l) => `  ${l}`),
        '  hint: is the mirror reachable from this machine? `apt-get update` uses the same source',
      ]);
    }
    await labAptRepo(tmp, opts.log);
    // Nothing machine-specific in the shared root: each machine gets its own host keys, machine id and
    // hostname in its upper layer, so two machines never share an identity.
    await chroot(
      tmp,
      [
        'rm -f /etc/ssh/ssh_host_*',
        ': > /etc/machine-id',
        'rm -f /etc/hostname /var/lib/dbus/machine-id',
        'apt-get clean',
      ].join('\n'),
    );
    try {
      renameSync(tmp, final);
    } catch (err) {
      // Another build finished first: keep that one.
      if (!cachedRoot(key)) throw err;
    }
  } finally {
    await removeBuild(tmp);
  }
  return { dir: final, key, built: true, ms: performance.now() - start, mirror: src.uri };
}

/**
 * Downloads LAB_APT_PACKAGES with everything they pull in (apt of the new root resolves against its own
 * installed packages, from the mirror debootstrap used), indexes them with dpkg-scanpackages and points
 * the root's apt at them.
 */
async function labAptRepo(dir: string, log?: (line: string) => void): Promise<void> {
  log?.(`lab: downloading ${LAB_APT_PACKAGES.length} packages the roles install into ${LAB_APT_DIR}`);
  await chroot(
    dir,
    [
      'export DEBIAN_FRONTEND=noninteractive',
      'apt-get -q update',
      `apt-get -q -y --download-only install ${LAB_APT_PACKAGES.join(' ')}`,
      `mkdir -p ${LAB_APT_DIR}`,
      `mv /var/cache/apt/archives/*.deb ${LAB_APT_DIR}/`,
    ].join('\n'),
  );
  const repo = join(dir, LAB_APT_DIR);
  const scan = await execa('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], {
    cwd: repo,
    reject: false,
  });
  if (scan.exitCode !== 0) throw new Error(`dpkg-scanpackages in ${repo} failed: ${scan.stderr.trim()}`);
  writeFileSync(join(repo, 'Packages'), scan.stdout.endsWith('\n') ? scan.stdout : `${scan.stdout}\n`);
  writeFileSync(
    join(dir, 'etc', 'apt', 'sources.list'),
    `# beelab lab: machines have no route out; apt installs from the packages carried in the root\ndeb [trusted=yes] file:${LAB_APT_DIR} ./\n`,
  );
  await chroot(dir, 'rm -rf /var/lib/apt/lists/*');
}

/** debootstrap mounts /proc and /sys inside its target: unmount before deleting, never delete through them. */
async function removeBuild(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Builds left by a process that died (killed during debootstrap). */
async function removeStaleBuilds(base: string): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^\.build-[0-9a-f]+-(\d+)$/.exec(n)?.[1]);
    if (!pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) await removeBuild(join(base, n));
  }
}

/** Hash of a whole tree: every path, type, mode, owner and content (symlinks by target). */
export async function treeHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const abs = join(dir, rel);
    const st = await lstat(abs);
    h.update(`${rel}\0${st.mode}\0${st.uid}:${st.gid}\0`);
    if (st.isSymbolicLink()) h.update(`-> ${await readlink(abs)}\0`);
    else if (st.isFile()) {
      h.update(`${st.size}\0`);
      for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
    } else if (st.isDirectory()) {
      for (const n of (await readdir(abs)).sort()) await walk(rel ? `${rel}/${n}` : n);
    }
  };
  await walk('');
  return h.digest('hex');
}
