// Checks an OPNsense config.xml against MVC model XMLs (field existence, options, masks, UUIDs, references).
import { attr, childNames, children, field, type Node, parseXml, text } from '../equivalence/xml.ts';

/** A model loaded from its XML: the mount path and the <items> tree. */
export interface Model {
  file: string;
  mount: string[];
  version: string;
  items: Node;
}

export function loadModel(file: string, xml: string): Model {
  const root = parseXml(xml).model![0]!;
  const mount = field(root, 'mount').replace(/^\/+/, '').split('/');
  return { file, mount, version: field(root, 'version'), items: children(root, 'items')[0]! };
}

/** Facts about the config the field checks need (interface keys, alias names). */
interface Context {
  interfaces: Set<string>;
  aliases: Set<string>;
  portAliases: Set<string>;
  uuids: Map<string, string>;
  errors: string[];
}

const isTyped = (n: Node) => attr(n, 'type') !== undefined;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const isIpv4 = (v: string) => IPV4.test(v);
const isCidr = (v: string) => {
  const [a, p, ...rest] = v.split('/');
  return rest.length === 0 && isIpv4(a ?? '') && p !== undefined && /^\d+$/.test(p) && Number(p) <= 32;
};
const isArrayField = (model: Node) => childNames(model).some((c) => children(model, c).some(isTyped));

/** Converts a PHP regex literal (`/.../u`) into a JS RegExp. */
export function phpRegex(mask: string): RegExp {
  const m = /^\/(.*)\/([a-zA-Z]*)$/s.exec(mask);
  if (!m) throw new Error(`not a PHP regex: ${mask}`);
  const flags = [...new Set(m[2]!.replace(/[^iu]/g, '').split(''))].join('');
  const body = m[1]!.replace(/\\x\{([0-9A-Fa-f]+)\}/g, '\\u{$1}');
  return new RegExp(body, flags.includes('u') ? flags : `${flags}u`);
}

/** OptionValues as allowed stored values (tag name, or its `value` attribute), flattening option groups. */
function optionValues(model: Node): Set<string> {
  const out = new Set<string>();
  const walk = (n: Node) => {
    for (const name of childNames(n)) {
      for (const opt of children(n, name)) {
        if (childNames(opt).length > 0) walk(opt);
        else out.add(attr(opt, 'value') ?? name);
      }
    }
  };
  for (const ov of children(model, 'OptionValues')) walk(ov);
  return out;
}

const ALIAS_NAME = /^([a-zA-Z]|([_a-zA-Z][a-zA-Z0-9][_a-zA-Z0-9]{0,29}))$/;

function checkLeaf(path: string, model: Node, value: string, ctx: Context): void {
  const type = attr(model, 'type')!;
  const err = (msg: string) => ctx.errors.push(`${path}: ${JSON.stringify(value)} ${msg}`);
  const multiple = field(model, 'Multiple') === 'Y' || field(model, 'AsList') === 'Y';
  const values = value === '' ? [] : multiple ? value.split(/[,\n]/) : [value];
  for (const mask of children(model, 'Mask')) {
    if (value !== '' && !phpRegex(text(mask)).test(value))
      err(`does not match the model's Mask ${text(mask)}`);
  }
  const min = field(model, 'MinimumValue');
  const max = field(model, 'MaximumValue');
  for (const v of values) {
    switch (type) {
      case 'BooleanField':
        if (v !== '0' && v !== '1') err('is not a boolean (0/1)');
        break;
      case 'IntegerField':
      case 'NumericField':
        if (!/^-?\d+$/.test(v)) err('is not an integer');
        else if ((min && Number(v) < Number(min)) || (max && Number(v) > Number(max)))
          err(`is outside ${min}..${max}`);
        break;
      case 'OptionField': {
        const allowed = optionValues(model);
        if (!allowed.has(v)) err(`is not one of ${[...allowed].join(', ')}`);
        break;
      }
      case 'ProtocolField':
        if (v !== 'any' && (v !== v.toUpperCase() || !/^[A-Z0-9/-]+$/.test(v)))
          err('is not an upper-case protocol name or any');
        break;
      case 'InterfaceField':
      case '.\\UnboundInterfaceField':
        if (!ctx.interfaces.has(v)) err(`names interface ${v}, which is not configured`);
        break;
      case 'NetworkAliasField': {
        const base = v.endsWith('ip') ? v.slice(0, -2) : undefined;
        const ok =
          v === 'any' ||
          v === '(self)' ||
          ctx.interfaces.has(v) ||
          (base !== undefined && ctx.interfaces.has(base)) ||
          ctx.aliases.has(v) ||
          isIpv4(v) ||
          isCidr(v);
        if (!ok) err('is neither any, (self), an interface, a defined alias nor an address');
        break;
      }
      case 'PortField': {
        const n = Number(v);
        const ok = (/^\d+$/.test(v) && n >= 1 && n <= 65535) || /^\d+:\d+$/.test(v) || ctx.portAliases.has(v);
        if (!ok) err('is neither a port, a range nor a defined port alias');
        break;
      }
      case 'NetworkField':
        if (!isIpv4(v) && !isCidr(v)) err('is not an IPv4 address or network');
        break;
      case 'MacAddressField':
        if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(v)) err('is not a MAC address');
        break;
      case '.\\AliasNameField':
        if (!ALIAS_NAME.test(v)) err('is not a valid alias name');
        break;
      case 'DescriptionField':
        if ([...v].length > 255) err('is longer than 255 characters');
        break;
      default:
        break;
    }
  }
}

function walk(path: string, model: Node, node: Node, ctx: Context): void {
  for (const name of childNames(node)) {
    const modelChild = children(model, name)[0];
    const p = `${path}/${name}`;
    if (!modelChild) {
      ctx.errors.push(`${p}: not in the model`);
      continue;
    }
    for (const item of children(node, name)) {
      if (isTyped(modelChild) && isArrayField(modelChild)) {
        const uuid = attr(item, 'uuid');
        if (!uuid) ctx.errors.push(`${p}: list item without uuid`);
        else if (ctx.uuids.has(uuid))
          ctx.errors.push(`${p}: uuid ${uuid} also used at ${ctx.uuids.get(uuid)}`);
        else ctx.uuids.set(uuid, p);
        walk(p, modelChild, item, ctx);
        for (const req of childNames(modelChild)) {
          const m = children(modelChild, req)[0]!;
          if (
            field(m, 'Required') === 'Y' &&
            children(m, 'Default').length === 0 &&
            !children(item, req).length
          ) {
            ctx.errors.push(`${p}/${req}: required and has no default, but missing`);
          }
        }
      } else if (isTyped(modelChild)) {
        if (childNames(item).length > 0) ctx.errors.push(`${p}: a leaf field in the model, but has children`);
        else checkLeaf(p, modelChild, text(item), ctx);
      } else {
        walk(p, modelChild, item, ctx);
      }
    }
  }
}

/** Returns every violation of the models by the config (empty: the config conforms). */
export function checkConfig(configXml: string, models: readonly Model[]): string[] {
  const root = parseXml(configXml).opnsense?.[0];
  if (!root) return ['no <opnsense> root element'];
  const ifs = children(root, 'interfaces')[0];
  const ctx: Context = {
    interfaces: new Set(ifs ? childNames(ifs) : []),
    aliases: new Set(),
    portAliases: new Set(),
    uuids: new Map(),
    errors: [],
  };
  const aliasNodes = children(
    children(
      children(children(children(root, 'OPNsense')[0] ?? '', 'Firewall')[0] ?? '', 'Alias')[0] ?? '',
      'aliases',
    )[0] ?? '',
    'alias',
  );
  for (const a of aliasNodes) {
    (field(a, 'type') === 'port' ? ctx.portAliases : ctx.aliases).add(field(a, 'name'));
  }
  for (const model of models) {
    let node: Node | undefined = root;
    for (const part of model.mount) node = node === undefined ? undefined : children(node, part)[0];
    if (node === undefined) continue;
    const version = attr(node, 'version');
    if (version !== model.version) {
      ctx.errors.push(`/${model.mount.join('/')}: version ${version} but the model is ${model.version}`);
    }
    walk(`/${model.mount.join('/')}`, model.items, node, ctx);
  }
  return ctx.errors;
}
