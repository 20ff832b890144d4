// YAML output with fixed options: no folding, no anchors, quoting safe for YAML 1.1 readers (Ansible, Go).
import { stringify } from 'yaml';
import { commentLines } from './header.ts';
import { sortKeysDeep } from './sort-keys.ts';

/** Options for toYaml; everything not listed here is fixed on purpose. */
export interface YamlOptions {
  /** Sort map keys (code-unit order). Default false: Kubernetes, Ansible and Compose read better in their conventional order. */
  sortKeys?: boolean;
  /** Comment printed at the top, one `# ` line per line, e.g. GENERATED_NOTICE. */
  header?: string;
}

function stringifyOne(value: unknown, sortKeys: boolean): string {
  return stringify(sortKeys ? sortKeysDeep(value) : value, {
    // 0 = never fold long strings: a folded line is a diff nobody asked for.
    lineWidth: 0,
    // Shared sub-objects would otherwise become &anchors/*aliases, which some tools reject.
    aliasDuplicateObjects: false,
    // Quote with the YAML 1.1 rules: "yes", "on", "0644", "1:30" stay strings for PyYAML and Go yaml.v2,
    // and the output is still plain YAML 1.2 (no %YAML directive is written).
    version: '1.1',
    indentSeq: true,
  });
}

/** One YAML document. */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  return commentLines(options.header, '#') + stringifyOne(value, options.sortKeys ?? false);
}

/** A multi-document stream (`---` between documents), e.g. several Kubernetes objects in one file. */
export function toYamlDocuments(values: readonly unknown[], options: YamlOptions = {}): string {
  const docs = values.map((v) => stringifyOne(v, options.sortKeys ?? false));
  return commentLines(options.header, '#') + docs.map((d) => `---\n${d}`).join('');
}
