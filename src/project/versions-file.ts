// versions.yaml: the site's versions catalog on disk. Written from Beelab's defaults on the first render, then
// the user's (and Renovate's) to edit; render reads it, adds keys a newer Beelab knows (keeping every comment
// and value already there) and never changes a value that is in the file.
import { Document, isMap, isScalar, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import {
  BUILTIN_VERSIONS,
  type ChecksummedVersion,
  parseImageRef,
  type ScalarVersion,
  VERSION_SOURCES,
  VERSIONS_FILE,
  type VersionSource,
  type Versions,
} from '../catalog/versions.ts';
import type { Diagnostic } from '../kernel/diagnostic.ts';
import { closest } from '../kernel/suggest.ts';

export { VERSIONS_FILE };

/** A version as tools take it on a command line or in a URL: no spaces, newlines or shell characters. */
const VERSION_TEXT = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,127}$/;

/** One scalar of the catalog: its key in the file, where it lives in Versions, and what Renovate tracks. */
interface Entry {
  key: string;
  get(v: Versions): string;
  set(v: Versions, value: string): void;
  renovate?: string;
}

/**
 * The `# renovate:` annotation of a tracked version, which the site's Renovate regex manager matches; ` digest=sha256`
 * when the next line is the sha256 of its download (a manager of its own reads the two lines together).
 */
function annotation(source: VersionSource, checksummed = false): string {
  const registry = source.registryUrl ? ` registryUrl=${source.registryUrl}` : '';
  return `datasource=${source.datasource}${registry} depName=${source.depName}${checksummed ? ' digest=sha256' : ''}`;
}

/** A sha256 pinned right below its version in versions.yaml (`ollama-sha256` under `ollama`). */
interface ChecksumEntry {
  key: string;
  /** The key of the version it belongs to. */
  version: Entry;
  get(v: Versions): string;
  set(v: Versions, value: string): void;
}

const SHA256_HEX = /^[a-f0-9]{64}$/;

const SCALARS: readonly Entry[] = (Object.keys(VERSION_SOURCES) as ScalarVersion[]).map((key) => {
  const { key: fileKey, source } = VERSION_SOURCES[key];
  return {
    key: fileKey,
    get: (v: Versions) => v[key],
    set: (v: Versions, value: string) => {
      v[key] = value;
    },
    ...(source ? { renovate: annotation(source, VERSION_SOURCES[key].checksum !== undefined) } : {}),
  };
});
const CHECKSUMS: readonly ChecksumEntry[] = (Object.keys(VERSION_SOURCES) as ScalarVersion[]).flatMap(
  (key) => {
    const checksum = VERSION_SOURCES[key].checksum;
    if (!checksum) return [];
    const k = key as ChecksummedVersion;
    return [
      {
        key: checksum,
        version: SCALARS.find((s) => s.key === VERSION_SOURCES[key].key)!,
        get: (v: Versions) => v.checksums[k],
        set: (v: Versions, value: string) => {
          v.checksums[k] = value;
        },
      },
    ];
  },
);
const MAPS = ['cloud-images', 'collections', 'images'] as const;
const TOP_KEYS = [...SCALARS.map((s) => s.key), ...CHECKSUMS.map((c) => c.key), ...MAPS];

const HEADER = [
  ' versions.yaml: every version this site pins, read by every layer at render time.',
  ' Edit a value (or let Renovate do it), then `beelab render`. Images are always tag@sha256:digest.',
  " Keys Beelab does not know are reported; a key you delete comes back with Beelab's default.",
].join('\n');

function clone(v: Versions): Versions {
  return structuredClone(v);
}

/** The catalog as versions.yaml text, with the Renovate annotations its managers match. */
export function serializeVersions(v: Versions): string {
  const doc = new Document({});
  doc.commentBefore = HEADER;
  fillMissing(doc, v);
  return doc.toString({ lineWidth: 0 });
}

/** Adds every key of `v` the document lacks; values already present are left as they are. */
function fillMissing(doc: Document, v: Versions): boolean {
  let added = false;
  const items = () => (doc.contents as YAMLMap).items;
  const indexOf = (key: string) => items().findIndex((p) => isScalar(p.key) && String(p.key.value) === key);
  for (const e of SCALARS) {
    if (doc.has(e.key)) continue;
    const pair = doc.createPair(e.key, e.get(v));
    if (e.renovate && isScalar(pair.key)) pair.key.commentBefore = ` renovate: ${e.renovate}`;
    items().push(pair);
    added = true;
  }
  // A checksum goes right below its version, and the version's annotation gains `digest=sha256`. Only for the
  // version it was made for: loadVersions reports a changed version without its checksum before this runs.
  for (const c of CHECKSUMS) {
    if (doc.has(c.key)) continue;
    const at = indexOf(c.version.key);
    if (at < 0 || String(doc.get(c.version.key)) !== c.version.get(v)) continue;
    const versionKey = items()[at]!.key;
    if (c.version.renovate && isScalar(versionKey))
      versionKey.commentBefore = ` renovate: ${c.version.renovate}`;
    items().splice(at + 1, 0, doc.createPair(c.key, c.get(v)));
    added = true;
  }
  const maps: Record<(typeof MAPS)[number], Record<string, unknown>> = {
    'cloud-images': v.cloudImages,
    collections: v.collections,
    images: v.images,
  };
  for (const key of MAPS) {
    for (const [name, value] of Object.entries(maps[key])) {
      if (doc.hasIn([key, name])) continue;
      doc.setIn([key, name], value);
      added = true;
    }
    if (!doc.has(key)) {
      doc.set(key, {});
      added = true;
    }
  }
  return added;
}

export interface LoadedVersions {
  versions: Versions;
  /** The text render should write, when it differs from the file (first render, or new keys added). */
  text: string;
  diagnostics: Diagnostic[];
}

/** Reads versions.yaml (undefined: not there yet) over Beelab's defaults; every problem is a located diagnostic. */
export function loadVersions(
  text: string | undefined,
  defaults: Versions = BUILTIN_VERSIONS,
): LoadedVersions {
  if (text === undefined)
    return { versions: clone(defaults), text: serializeVersions(defaults), diagnostics: [] };
  const lineCounter = new LineCounter();
  // failsafe: every scalar is a string, so `1.20` stays "1.20" and never becomes 1.2.
  const doc = parseDocument(text, { lineCounter, schema: 'failsafe', prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { file: VERSIONS_FILE };
    const { line, col } = lineCounter.linePos(offset);
    return { file: VERSIONS_FILE, line, col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      diagnostics.push({
        code: 'versions/yaml',
        severity: 'error',
        message: `${VERSIONS_FILE} is not valid YAML: ${e.message.split('\n')[0]}`,
        location: at(e.pos[0]),
        hint: 'restore it from git (git checkout versions.yaml), or delete it to start again from the defaults',
      });
    return { versions: clone(defaults), text, diagnostics };
  }
  const versions = clone(defaults);
  const root = doc.contents;
  if (root !== null && !isMap(root)) {
    diagnostics.push({
      code: 'versions/shape',
      severity: 'error',
      message: `${VERSIONS_FILE} must be a mapping of names to versions`,
      location: at(root?.range?.[0]),
    });
    return { versions, text, diagnostics };
  }
  for (const pair of isMap(root) ? root.items : []) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const where = at(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
    const checksum = CHECKSUMS.find((c) => c.key === key);
    if (checksum) {
      const hex = isScalar(pair.value) ? String(pair.value.value).trim() : '';
      if (!SHA256_HEX.test(hex)) {
        diagnostics.push({
          code: 'versions/checksum',
          severity: 'error',
          message: `${key} must be the sha256 of the download, 64 lowercase hex digits`,
          location: where,
          hint: `the release's own checksum file shows it, or \`shasum -a 256 <file>\``,
        });
        continue;
      }
      checksum.set(versions, hex);
      continue;
    }
    const entry = SCALARS.find((s) => s.key === key);
    if (entry) {
      if (!isScalar(pair.value) || !VERSION_TEXT.test(String(pair.value.value).trim())) {
        diagnostics.push({
          code: 'versions/value',
          severity: 'error',
          message: `${key} must be a version string`,
          location: where,
          hint: `e.g. ${key}: ${entry.get(defaults)}`,
        });
        continue;
      }
      entry.set(versions, String(pair.value.value).trim());
      continue;
    }
    if (!(MAPS as readonly string[]).includes(key)) {
      const near = closest(key, TOP_KEYS);
      diagnostics.push({
        code: 'versions/unknown',
        severity: 'warning',
        message: `unknown key "${key}" (ignored)`,
        location: where,
        hint: near ? `did you mean "${near}"?` : `keys: ${TOP_KEYS.join(', ')}`,
      });
      continue;
    }
    if (pair.value !== null && !isMap(pair.value)) {
      diagnostics.push({
        code: 'versions/value',
        severity: 'error',
        message: `${key} must be a mapping`,
        location: where,
      });
      continue;
    }
    for (const item of isMap(pair.value) ? pair.value.items : []) {
      const name = isScalar(item.key) ? String(item.key.value) : '';
      const itemAt = at(isScalar(item.key) ? item.key.range?.[0] : undefined);
      const value = item.value;
      if (key === 'cloud-images') {
        const known = defaults.cloudImages[name as keyof Versions['cloudImages']];
        if (!known) {
          diagnostics.push({
            code: 'versions/unknown',
            severity: 'warning',
            message: `cloud-images.${name}: no template uses it (ignored)`,
            location: itemAt,
            hint: `images: ${Object.keys(defaults.cloudImages).join(', ')}`,
          });
          continue;
        }
        const url = isMap(value) ? value.get('url') : undefined;
        const checksum = isMap(value) ? value.get('checksum') : undefined;
        if (
          typeof url !== 'string' ||
          !/^https:\/\/\S+$/.test(url) ||
          typeof checksum !== 'string' ||
          !/^(sha256|sha512):[a-f0-9]+$/.test(checksum)
        ) {
          diagnostics.push({
            code: 'versions/cloud-image',
            severity: 'error',
            message: `cloud-images.${name} needs an https url and a checksum (sha256:… or sha512:…)`,
            location: itemAt,
            hint: 'take both from the release directory, e.g. its SHA512SUMS',
          });
          continue;
        }
        versions.cloudImages[name as keyof Versions['cloudImages']] = { url, checksum };
        continue;
      }
      const text = isScalar(value) ? String(value.value).trim() : '';
      if (text === '') {
        diagnostics.push({
          code: 'versions/value',
          severity: 'error',
          message: `${key}.${name} has no value`,
          location: itemAt,
        });
        continue;
      }
      if (key === 'collections') {
        if (!VERSION_TEXT.test(text)) {
          diagnostics.push({
            code: 'versions/value',
            severity: 'error',
            message: `collections.${name}: ${JSON.stringify(text)} is not a version`,
            location: itemAt,
            hint: 'e.g. 6.6.2',
          });
          continue;
        }
        versions.collections[name] = text;
        continue;
      }
      if (!parseImageRef(text)) {
        const latest = /:latest(@|$)/.test(text) || !/:[\w][\w.-]*(@|$)/.test(text.split('/').at(-1) ?? '');
        diagnostics.push({
          code: 'versions/image-digest',
          severity: 'error',
          message: `images.${name}: ${text} is not pinned as repository:tag@sha256:<digest>${latest ? ' (no tag, or latest)' : ''}`,
          location: at(isScalar(value) ? value.range?.[0] : undefined),
          hint: `append the digest of that tag, e.g. \`docker buildx imagetools inspect ${text.split('@')[0]}\` prints it`,
        });
        continue;
      }
      versions.images[name] = text;
    }
  }
  // A version changed by hand with no checksum of its own: the default checksum is for the default version only.
  for (const c of CHECKSUMS) {
    if (!isMap(root) || root.has(c.key) || !root.has(c.version.key)) continue;
    const value = c.version.get(versions);
    if (value === c.version.get(defaults)) continue;
    const pair = root.items.find((p) => isScalar(p.key) && String(p.key.value) === c.version.key);
    diagnostics.push({
      code: 'versions/checksum',
      severity: 'error',
      message: `${c.version.key} ${value} has no ${c.key}: the Macs' bootstrap verifies the download against it`,
      location: at(isScalar(pair?.key) ? pair.key.range?.[0] : undefined),
      hint: `add \`${c.key}: <sha256 of the ${value} download>\` on the line after ${c.version.key}, or go back to ${c.version.get(defaults)}`,
    });
  }
  // A file with errors is left exactly as it is: render stops on them, and rewriting it could lose more.
  if (diagnostics.some((d) => d.severity === 'error')) return { versions, text, diagnostics };
  const added = fillMissing(doc as unknown as Document, defaults);
  return { versions, text: added ? doc.toString({ lineWidth: 0 }) : text, diagnostics };
}
