// Apple property lists in their XML form (what launchd reads): dict keys in the order given, integers, booleans.

/** A value a property list can hold (dates and data are not needed by anything Beelab writes). */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** Options for toPlist. */
export interface PlistOptions {
  /** Text of an XML comment placed after the DOCTYPE, e.g. GENERATED_NOTICE. */
  header?: string;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function node(v: PlistValue, indent: string, path: string): string[] {
  if (typeof v === 'string') return [`${indent}<string>${escapeText(v)}</string>`];
  if (typeof v === 'boolean') return [`${indent}<${v}/>`];
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`toPlist: ${path} is ${v}; only integers are written`);
    return [`${indent}<integer>${v}</integer>`];
  }
  const inner = `${indent}\t`;
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${indent}<array/>`];
    return [`${indent}<array>`, ...v.flatMap((x, i) => node(x, inner, `${path}[${i}]`)), `${indent}</array>`];
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return [`${indent}<dict/>`];
  return [
    `${indent}<dict>`,
    ...entries.flatMap(([k, x]) => [
      `${inner}<key>${escapeText(k)}</key>`,
      ...node(x, inner, `${path}.${k}`),
    ]),
    `${indent}</dict>`,
  ];
}

/** An XML property list (plist version 1.0, tab-indented as plutil writes it) whose root is `root`. */
export function toPlist(root: PlistValue, options: PlistOptions = {}): string {
  const comment = options.header ? `<!-- ${options.header.replace(/--/g, '- -')} -->\n` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `${comment}<plist version="1.0">`,
    ...node(root, '', 'root'),
    '</plist>',
    '',
  ].join('\n');
}
