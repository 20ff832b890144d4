import { describe, expect, it } from 'vitest';
import { BUILTIN_VERSIONS, parseImageRef } from '../catalog/versions.ts';
import { loadVersions, serializeVersions } from './versions-file.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('versions.yaml', () => {
  it('round-trips the defaults, with the Renovate annotations on tracked keys', () => {
    const text = serializeVersions(BUILTIN_VERSIONS);
    expect(text).toContain('# renovate: datasource=github-releases depName=siderolabs/talos\ntalos: v1.13.9');
    const loaded = loadVersions(text);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.versions).toEqual(BUILTIN_VERSIONS);
    expect(loaded.text).toBe(text);
  });

  it('keeps every value and comment the user wrote, and adds only the keys it lacks', () => {
    const text = `# mine\nk3s: v1.33.1+k3s1 # held back: see issue 12\nimages:\n  immich: ghcr.io/immich-app/immich-server:v2.4.0@${DIGEST}\n`;
    const loaded = loadVersions(text);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.versions.k3s).toBe('v1.33.1+k3s1');
    expect(loaded.versions.talos).toBe(BUILTIN_VERSIONS.talos);
    expect(loaded.versions.images.immich).toBe(`ghcr.io/immich-app/immich-server:v2.4.0@${DIGEST}`);
    expect(loaded.text).toContain('k3s: v1.33.1+k3s1 # held back: see issue 12');
    expect(loaded.text).toContain('# mine');
    expect(loaded.text).toContain('talos: v1.13.9');
    // a second load of what render wrote changes nothing
    expect(loadVersions(loaded.text).text).toBe(loaded.text);
  });

  it('refuses a version that could reach a shell or URL, and an alias, without touching the file', () => {
    const text = 'talos: "v1.13.9\\nrm -rf /"\nk3s: *x\ncollections:\n  ansible.posix: 1.5.4; id\n';
    const loaded = loadVersions(text);
    expect(loaded.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ['versions/value', 1],
      ['versions/value', 2],
      ['versions/value', 4],
    ]);
    expect(loaded.text).toBe(text);
  });

  it('pins the sha256 of each download right below its version, where Renovate reads the two together', () => {
    const text = serializeVersions(BUILTIN_VERSIONS);
    const c = BUILTIN_VERSIONS.checksums;
    expect(text).toContain(
      `# renovate: datasource=github-release-attachments depName=ollama/ollama digest=sha256\nollama: v0.13.3\nollama-sha256: ${c.ollama}\n`,
    );
    expect(text).toContain(`llama-cpp: ${BUILTIN_VERSIONS.llamaCpp}\nllama-cpp-sha256: ${c.llamaCpp}\n`);
    expect(text).toContain(`mlx-lm: ${BUILTIN_VERSIONS.mlxLm}\nmlx-lm-sha256: ${c.mlxLm}\n`);
  });

  it('adds the checksums to a file from before them, under their versions, with the new annotation', () => {
    const old = [
      '# renovate: datasource=github-releases depName=ollama/ollama',
      `ollama: ${BUILTIN_VERSIONS.ollama}`,
      'cilium: 1.18.4',
      '',
    ].join('\n');
    const loaded = loadVersions(old);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.text).toContain(
      `# renovate: datasource=github-release-attachments depName=ollama/ollama digest=sha256\nollama: ${BUILTIN_VERSIONS.ollama}\nollama-sha256: ${BUILTIN_VERSIONS.checksums.ollama}\ncilium: 1.18.4\n`,
    );
    expect(loadVersions(loaded.text).text).toBe(loaded.text);
  });

  it('refuses a version changed without its checksum, and a checksum that is not one, located', () => {
    const text = 'cilium: 1.18.4\nollama: v0.14.0\nmlx-lm: 0.31.3\nmlx-lm-sha256: sha256:abc\n';
    const loaded = loadVersions(text);
    expect(loaded.diagnostics.map((d) => `${d.code} ${d.location?.line} ${d.message}`)).toEqual([
      'versions/checksum 4 mlx-lm-sha256 must be the sha256 of the download, 64 lowercase hex digits',
      "versions/checksum 2 ollama v0.14.0 has no ollama-sha256: the Macs' bootstrap verifies the download against it",
    ]);
    expect(loaded.text).toBe(text);
  });

  it('reads 1.20 as the string "1.20", not the number 1.2', () => {
    expect(loadVersions('cilium: 1.20\n').versions.cilium).toBe('1.20');
  });

  it('reports an unpinned image, a bad cloud image and an unknown key at once, located', () => {
    const text = [
      'kubernets: v1.35.0',
      'cloud-images:',
      '  debian:',
      '    url: https://example.org/d.qcow2',
      'images:',
      '  immich: ghcr.io/immich-app/immich-server:v2.4.0',
      '  vaultwarden: docker.io/vaultwarden/server:latest',
      '',
    ].join('\n');
    const { diagnostics } = loadVersions(text);
    const byCode = diagnostics.map((d) => [d.code, d.severity, d.location?.line]);
    expect(byCode).toEqual([
      ['versions/unknown', 'warning', 1],
      ['versions/cloud-image', 'error', 3],
      ['versions/image-digest', 'error', 6],
      ['versions/image-digest', 'error', 7],
    ]);
    expect(diagnostics[0]!.hint).toContain('kubernetes');
    expect(diagnostics[3]!.message).toContain('latest');
  });

  it('reports broken YAML with its position instead of replacing the file', () => {
    const { diagnostics } = loadVersions('talos: [v1\n');
    expect(diagnostics[0]!.code).toBe('versions/yaml');
    expect(diagnostics[0]!.location?.line).toBeGreaterThan(0);
  });

  it('parses image references pinned by digest only', () => {
    expect(parseImageRef(`docker.io/library/postgres:16.4-alpine@${DIGEST}`)).toEqual({
      repository: 'docker.io/library/postgres',
      tag: '16.4-alpine',
      digest: DIGEST,
    });
    expect(parseImageRef('docker.io/library/postgres:16')).toBeUndefined();
    expect(parseImageRef(`postgres@${DIGEST}`)).toBeUndefined();
  });
});
