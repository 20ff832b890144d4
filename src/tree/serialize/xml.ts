// XML output through fast-xml-parser's builder: declaration, 2-space indent, escaped text, checked names.
import { XMLBuilder } from 'fast-xml-parser';
import { isPlainObject, sortKeysDeep } from './sort-keys.ts';

/** Keys starting with this prefix are attributes: `{ rule: { '@_uuid': '…', descr: 'x' } }`. */
export const XML_ATTR_PREFIX = '@_';
/** The key holding an element's text when it also has attributes. */
export const XML_TEXT_KEY = '#text';

/** Options for toXml. */
export interface XmlOptions {
  /** Sort element and attribute names. Default false: OPNsense and most schemas care about order. */
  sortKeys?: boolean;
  /** Text of an XML comment placed after the declaration, e.g. GENERATED_NOTICE. */
  header?: string;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: XML_ATTR_PREFIX,
  textNodeName: XML_TEXT_KEY,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // The default would write a bare `attr`, which is not XML.
  suppressBooleanAttributes: false,
  processEntities: true,
});

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?$/;
// Characters XML 1.0 cannot carry at all, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function check(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (INVALID_CHARS.test(value))
      throw new Error(`toXml: ${path} holds a character XML 1.0 cannot represent`);
    return;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`toXml: ${path} is ${value}`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      check(v, `${path}[${i}]`);
    });
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      const name = key.startsWith(XML_ATTR_PREFIX) ? key.slice(XML_ATTR_PREFIX.length) : key;
      if (key !== XML_TEXT_KEY && !NAME.test(name)) {
        throw new Error(`toXml: ${JSON.stringify(key)} at ${path} is not a valid XML name`);
      }
      if (key.startsWith(XML_ATTR_PREFIX) && v !== null && typeof v === 'object') {
        throw new Error(`toXml: attribute ${path}.${key} must be a scalar`);
      }
      check(v, `${path}.${key}`);
    }
  }
}

/**
 * Serializes `{ root: {...} }` (exactly one root element). Arrays repeat the element, `''`/null/{} give `<tag/>`,
 * `@_name` keys are attributes. Object key order is kept unless sortKeys is set.
 */
export function toXml(value: Record<string, unknown>, options: XmlOptions = {}): string {
  const roots = Object.keys(value);
  if (roots.length !== 1 || roots[0]!.startsWith(XML_ATTR_PREFIX) || Array.isArray(value[roots[0]!])) {
    throw new Error(`toXml: expected exactly one root element, got ${JSON.stringify(roots)}`);
  }
  check(value, '$');
  if (options.header?.includes('--')) throw new Error('toXml: an XML comment cannot contain "--"');
  const body: string = builder.build(options.sortKeys ? sortKeysDeep(value) : value);
  const comment = options.header ? `<!-- ${options.header} -->\n` : '';
  return `<?xml version="1.0"?>\n${comment}${body.endsWith('\n') ? body : `${body}\n`}`;
}
