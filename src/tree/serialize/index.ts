// Re-exports every serializer: renderers import from here and nowhere else.
export { commentLines, GENERATED_NOTICE } from './header.ts';
export { type HujsonOptions, toHujson } from './hujson.ts';
export { type IniEntries, type IniOptions, type IniScalar, type IniSections, toIni } from './ini.ts';
export { type JsonOptions, toJson } from './json.ts';
export { type PlistOptions, type PlistValue, toPlist } from './plist.ts';
export {
  type ParsedSection,
  parseSectionConfig,
  type Section,
  type SectionConfigOptions,
  type SectionValue,
  toSectionConfig,
} from './section-config.ts';
export { compareKeys, sortKeysDeep } from './sort-keys.ts';
export { BEELAB_UUID_NAMESPACE, uuidV5 } from './uuid.ts';
export { toXml, XML_ATTR_PREFIX, XML_TEXT_KEY, type XmlOptions } from './xml.ts';
export { toYaml, toYamlDocuments, type YamlOptions } from './yaml.ts';
