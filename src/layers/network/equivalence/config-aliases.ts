// Aliases of an OPNsense or pfSense config.xml (one idea, two XML layouts): host lists, the private ranges, ports.
import { PRIVATE_NETS } from '../policy/types.ts';

/** The aliases a pf-family config defines, by name, and what a rule's fields mean through them. */
export class ConfigAliases {
  readonly #byName = new Map<string, { type: string; items: string[] }>();

  /** `platform` prefixes every error, as the other parsers' errors are. */
  constructor(private readonly platform: string) {}

  add(name: string, type: string, items: string[]): void {
    this.#byName.set(name, { type, items });
  }

  /** The addresses of a host alias; any other name is an error. */
  hosts(name: string): string[] {
    const a = this.#byName.get(name);
    if (a?.type !== 'host') throw new Error(`${this.platform}: ${name} is not a host alias`);
    return a.items;
  }

  /** True for a network alias holding exactly the private ranges: "not private" is how the internet is written. */
  isPrivateRanges(name: string): boolean {
    const a = this.#byName.get(name);
    return a?.type === 'network' && [...a.items].sort().join() === [...PRIVATE_NETS].sort().join();
  }

  /** The destination ports a rule's port field names: '' is every port (null), else a number or a port alias. */
  ports(portText: string): (number | null)[] {
    if (portText === '') return [null];
    if (/^\d+$/.test(portText)) return [Number(portText)];
    const ports = this.#byName.get(portText)?.items.map(Number) ?? [];
    if (ports.length === 0) throw new Error(`${this.platform}: port alias ${portText} is empty or missing`);
    return ports;
  }
}
