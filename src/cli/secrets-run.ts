// `beelab secrets list|show|set|rotate|recipients|recovery-kit`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { loadProject } from '../project/load.ts';
import { generateSecret, isRandomKind, siteSecrets } from '../secrets/catalog.ts';
import { loadIdentity } from '../secrets/identity.ts';
import { RECOVERY_KIT_PATH, renderRecoveryKit } from '../secrets/recovery-kit.ts';
import { SecretStore } from '../secrets/store.ts';
import { produceSecret } from '../secrets/use.ts';
import type { Site } from '../site/types.ts';

type Out = { write(s: string): unknown };

/** The Site of a site directory and its secret store. */
async function openSite(dir: string): Promise<{ site: Site; store: SecretStore }> {
  const { site } = await loadProject(dir);
  return { site, store: SecretStore.open(dir) };
}

/** Whether a secret encrypted to `a` is encrypted to exactly the recipients `b` (in any order). */
function sameRecipients(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

export async function secretsList(
  dir: string,
  opts: { json?: boolean },
  out: Out = process.stdout,
): Promise<void> {
  const { site, store } = await openSite(dir);
  const needed = new Map(siteSecrets(site).map((d) => [d.name, d]));
  const listed = store.list();
  const rows = [
    ...listed.map((s) => ({
      name: s.name,
      file: s.file,
      state: !s.present ? 'MISSING FILE' : needed.has(s.name) ? 'stored' : 'stored (no longer used)',
      generation: s.entry?.generation,
      created: s.entry?.created,
      rotated: s.entry?.rotated,
      recipientsCurrent: s.entry ? sameRecipients(s.entry.recipients, site.admin.ageRecipients) : undefined,
      description: s.entry?.description ?? needed.get(s.name)?.description ?? '',
    })),
    ...[...needed.values()]
      .filter((d) => !listed.some((s) => s.name === d.name))
      .map((d) => ({
        name: d.name,
        file: `secrets/${d.name}.age`,
        state: 'not created yet (beelab apply creates it)',
        description: d.description,
      })),
  ];
  if (opts.json) {
    out.write(`${JSON.stringify({ secrets: rows, leftovers: store.leftovers() }, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) out.write('No secrets: this Site needs none yet.\n');
  for (const r of rows) {
    const gen = 'generation' in r && r.generation ? ` gen ${r.generation}` : '';
    const stale =
      'recipientsCurrent' in r && r.recipientsCurrent === false
        ? ' — encrypted to an old recipient list: run `beelab secrets recipients --update`'
        : '';
    out.write(`${r.name.padEnd(26)} ${r.state}${gen}${stale}\n    ${r.description}\n`);
  }
  for (const f of store.leftovers())
    out.write(`warning: ${f} is left from an interrupted write; the stored secret is intact; delete it\n`);
}

export async function secretsShow(dir: string, name: string, out: Out = process.stdout): Promise<void> {
  const store = SecretStore.open(dir);
  const identity = await loadIdentity();
  out.write(`${await store.read(name, identity)}\n`);
}

export async function secretsRotate(dir: string, name: string, out: Out = process.stdout): Promise<void> {
  const { site, store } = await openSite(dir);
  const def = siteSecrets(site).find((d) => d.name === name);
  const entry = store.entry(name);
  if (!def && !entry && !store.has(name)) {
    throw new UserError(`no secret ${name} in this site`, [
      `  known: ${[...new Set([...siteSecrets(site).map((d) => d.name), ...store.list().map((s) => s.name)])].join(', ') || 'none'}`,
    ]);
  }
  const kind = entry?.kind ?? def?.kind ?? 'token';
  if (kind === 'issued')
    throw new UserError(`${name} is issued by another system; Beelab cannot make a new one`, [
      `  hint: ${def?.issuedBy ?? 'get a new one there and store it with `beelab secrets set`'}`,
    ]);
  if (kind === 'ssh-key') {
    const value = await produceSecret(kind);
    if (typeof value !== 'string') throw new UserError(`cannot make a new ${name}: ${value.missing}`);
    const gen = await store.rotate(name, value, site.admin.ageRecipients, def);
    out.write(
      `Rotated ${name} (generation ${gen}); the old key is kept in secrets/rotated/${name}.${gen - 1}.age.\nPut the new public key on the firewall (\`beelab drift\` prints it when the firewall refuses the key). Commit secrets/.\n`,
    );
    return;
  }
  if (kind === 'tls-ca')
    throw new UserError(`${name} is a certificate authority; Beelab does not rotate it in place`, [
      '  A new CA is a new root every device that trusts the old one must trust again.',
      `  hint: to replace it, move secrets/${name}.age away and run \`beelab apply\`: it makes a new CA and re-issues the certificates`,
    ]);
  if (!isRandomKind(kind)) {
    // A new Talos bundle means new cluster CAs: every node would have to be reinstalled, not re-keyed.
    throw new UserError(`${name} is a ${kind} bundle; Beelab does not rotate it`, [
      '  Rotating it replaces the cluster CAs: every node would be rebuilt from scratch.',
      '  hint: rotate what Talos can rotate in place with talosctl (e.g. `talosctl rotate-ca`)',
    ]);
  }
  const gen = await store.rotate(name, generateSecret(kind), site.admin.ageRecipients, def);
  out.write(
    `Rotated ${name} (generation ${gen}); the old value is kept in secrets/rotated/${name}.${gen - 1}.age.\nThe steps that use it re-run on the next \`beelab apply\`. Commit secrets/.\n`,
  );
}

export async function secretsRecipients(
  dir: string,
  opts: { update?: boolean },
  out: Out = process.stdout,
): Promise<void> {
  const { site, store } = await openSite(dir);
  const want = site.admin.ageRecipients;
  out.write(
    `site.admin.ageRecipients (${want.length}):\n${want.map((r) => `  ${r}\n`).join('') || '  none\n'}`,
  );
  const stale = store
    .list()
    .filter((s) => s.present && (!s.entry || !sameRecipients(s.entry.recipients, want)));
  if (stale.length === 0) {
    out.write('Every secret is encrypted to exactly these recipients.\n');
    return;
  }
  out.write(`${stale.length} secret(s) encrypted to another list: ${stale.map((s) => s.name).join(', ')}\n`);
  if (!opts.update) {
    out.write('Run `beelab secrets recipients --update` (with a key that can decrypt them) to re-encrypt.\n');
    return;
  }
  const identity = await loadIdentity();
  const done = await store.reencrypt(want, identity);
  out.write(`Re-encrypted ${done.length} secret(s) to the current recipients. Commit secrets/.\n`);
}

export async function secretsRecoveryKit(
  dir: string,
  opts: { stdout?: boolean },
  out: Out = process.stdout,
): Promise<void> {
  const { site, store } = await openSite(dir);
  const text = renderRecoveryKit(site, store.list());
  if (opts.stdout) {
    out.write(text);
    return;
  }
  const file = join(dir, RECOVERY_KIT_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  out.write(`Wrote ${RECOVERY_KIT_PATH}. Print it and keep it with a copy of your age key.\n`);
}

/** `beelab secrets set NAME --from FILE`: stores a value another system issued (or replaces it, keeping the old). */
export async function secretsSet(
  dir: string,
  name: string,
  from: string,
  out: Out = process.stdout,
): Promise<void> {
  const { site, store } = await openSite(dir);
  const def = siteSecrets(site).find((d) => d.name === name);
  if (!def)
    throw new UserError(`no secret ${name} in this site`, [
      `  known: ${
        siteSecrets(site)
          .map((d) => d.name)
          .join(', ') || 'none'
      }`,
    ]);
  if (def.kind !== 'issued')
    throw new UserError(
      `${name} is made by Beelab (${def.kind}); set only stores what another system issues`,
      [`  hint: \`beelab secrets rotate ${name}\` gives it a new value`],
    );
  const value = (
    await readFile(from, 'utf8').catch(() => {
      throw new UserError(`cannot read ${from}`);
    })
  ).trim();
  const wrong = def.check?.(value);
  if (wrong) throw new UserError(`${from} ${wrong}`);
  if (site.admin.ageRecipients.length === 0)
    throw new UserError('no age recipients: site.admin.ageRecipients in beelab.yaml is empty', [
      '  hint: add your public key (age-keygen prints it); see docs/secrets.md',
    ]);
  if (store.has(name)) {
    const gen = await store.rotate(name, value, site.admin.ageRecipients, def);
    out.write(
      `Stored a new ${name} (generation ${gen}); the old one is kept in secrets/rotated/. Commit secrets/.\n`,
    );
  } else {
    await store.create(def, value, site.admin.ageRecipients);
    out.write(
      `Stored ${name}, encrypted to ${site.admin.ageRecipients.length} recipient(s). Commit secrets/.\n`,
    );
  }
}
