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

/** The schema whose readers must see the same values as YAML 1.2 readers; shared with merge overrides. */
export const YAML_COMPAT = 'yaml-1.1';

function stringifyOne(value: unknown, sortKeys: boolean): string {
  return stringify(sortKeys ? sortKeysDeep(value) : value, {
    // 0 = never fold long strings: a folded line is a diff nobody asked for.
    lineWidth: 0,
    // Shared sub-objects would otherwise become &anchors/*aliases, which some tools reject.
    aliasDuplicateObjects: false,
    // YAML 1.2 output that YAML 1.1 readers (PyYAML in Ansible, Go yaml.v2) read the same way:
    // "yes", "on", "0644", "1:30", "<<" and "0o17" are quoted because one of the two would not see a string.
    compat: YAML_COMPAT,
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
