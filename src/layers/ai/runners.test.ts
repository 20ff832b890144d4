// The agent runners' forgejo-runner files against the runner's own source (test/reference/forgejo-runner/, see
// PROVENANCE.md): every key of the rendered config.yaml is a field of the runner's Config struct with a value its
// YAML decoder turns into that field's type (the runner reads the file with yaml.Unmarshal, which drops an unknown
// key without a word, so a misspelt key would silently fall back to a default); every label parses the way
// labels.Parse does; every flag of the commands the step and the LaunchDaemon run is one the runner's CLI defines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { exampleSite } from '../../../test/support/example-sites.ts';
import { aiLayer } from './index.ts';
import { RUNNER_PATHS, runnerNodes } from './runners.ts';
import { runnerStep } from './steps.ts';

const REF = new URL('../../../test/reference/forgejo-runner/', import.meta.url);
const ref = (name: string) => readFileSync(new URL(name, REF), 'utf8');

/** The yaml-tagged fields of every struct in config.go: struct name → yaml key → Go type. */
function goStructs(source: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [, name, body] of source.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, string>();
    for (const [, type, tag] of body!.matchAll(/^\s*\w+\s+(\S+)\s+`yaml:"([^",]+)[^"]*"`/gm))
      fields.set(tag!, type!);
    out.set(name!, fields);
  }
  return out;
}

const STRUCTS = goStructs(ref('config.go'));

/** Go's time.ParseDuration syntax: one or more decimal numbers each with a unit. */
const GO_DURATION =
  /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))*$/;

/** labels.Parse from labels.go: name[:schema[:arg]], a schema the runner knows, no argument for host. */
function labelProblem(label: string): string | undefined {
  const schemes = [...ref('labels.go').matchAll(/^\s*Scheme\w+\s*=\s*"(\w+)"/gm)].map((m) => m[1]);
  const [name, schema, ...rest] = label.split(':');
  if (name!.trim() !== name) return `label ${label}: name starts or ends with a space`;
  if (schema !== undefined && !schemes.includes(schema))
    return `label ${label}: unsupported schema ${schema}`;
  if (schema === 'host' && rest.length > 0) return `label ${label}: host takes no argument`;
  return undefined;
}

/** Every place `value` does not decode into Go type `type` (a struct of config.go or a builtin), by key path. */
function problems(value: unknown, type: string, path: string): string[] {
  const struct = STRUCTS.get(type);
  if (struct) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return [`${path}: not a mapping`];
    return Object.entries(value).flatMap(([key, v]) => {
      const fieldType = struct.get(key);
      const at = path ? `${path}.${key}` : key;
      return fieldType ? problems(v, fieldType, at) : [`${at}: no such key in forgejo-runner's ${type}`];
    });
  }
  // yaml.Unmarshal leaves the zero value for an empty node: the example writes `options:` like that.
  if (value === null) return [];
  const ok: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === 'string',
    bool: (v) => typeof v === 'boolean',
    '*bool': (v) => typeof v === 'boolean',
    int: (v) => Number.isInteger(v),
    uint: (v) => Number.isInteger(v) && (v as number) >= 0,
    uint16: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 65536,
    // An integer would decode too, as nanoseconds: never what a hand-written config means.
    'time.Duration': (v) => typeof v === 'string' && GO_DURATION.test(v),
    '[]string': (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
    'map[string]string': (v) =>
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.values(v as object).every((s) => typeof s === 'string'),
  };
  const check = ok[type];
  if (!check) return [`${path}: type ${type} unknown to this test`];
  return check(value) ? [] : [`${path}: ${JSON.stringify(value)} is not a ${type}`];
}

const configProblems = (doc: Record<string, unknown>) => [
  ...problems(doc, 'Config', ''),
  ...((doc.runner as { labels?: string[] } | undefined)?.labels ?? []).flatMap((l) => labelProblem(l) ?? []),
];

/** The flags cmd.go defines: the root's persistent ones and those of each subcommand, by subcommand. */
function cliFlags(): { persistent: string[]; of: (sub: string) => string[] } {
  const src = ref('cmd.go');
  const flags = (owner: string) =>
    [...src.matchAll(new RegExp(`${owner}\\.Flags\\(\\)\\.\\w+\\(&[\\w.]+, "([\\w-]+)"`, 'g'))].map(
      (m) => m[1]!,
    );
  return {
    persistent: [...src.matchAll(/rootCmd\.PersistentFlags\(\)\.\w+\(&\w+, "([\w-]+)"/g)].map((m) => m[1]!),
    of: (sub) => flags(`${sub}Cmd`),
  };
}

const site = exampleSite('reference');
const files = aiLayer.render!(site, { layouts: [] });
const steps = aiLayer.steps!(site, files);
const agents = runnerNodes(site);

describe('forgejo-runner files against the runner source', () => {
  it('reads the reference the way the runner does: generate-config prints a file the checker accepts', () => {
    // The Config struct's sections, and a known nested type, so a parser gone wrong cannot pass vacuously.
    expect([...STRUCTS.get('Config')!.keys()]).toEqual(['log', 'runner', 'cache', 'container', 'host']);
    expect(STRUCTS.get('Runner')!.get('fetch_interval')).toBe('time.Duration');
    expect(configProblems(parse(ref('config.example.yaml')))).toEqual([]);
  });

  it('renders every agent config with keys of the Config struct, values of their types and labels that parse', () => {
    expect(agents.length).toBeGreaterThan(0);
    for (const node of agents) {
      const doc = parse(files.get(`ai/macs/${node.host}/forgejo-runner/config.yaml`)!.content as string);
      expect(configProblems(doc), node.host).toEqual([]);
      expect(doc.runner.labels).toContain(`${node.host}:host`);
      expect(doc.runner.file).toBe(RUNNER_PATHS.registration);
    }
  });

  it('fails on a misspelt key, a value of the wrong type and a label the runner rejects', () => {
    const text = files.get(`ai/macs/${agents[0]!.host}/forgejo-runner/config.yaml`)!.content as string;
    const doc = parse(text);
    doc.runner.fetch_intervall = doc.runner.fetch_interval;
    delete doc.runner.fetch_interval;
    doc.cache.enable = true;
    doc.runner.capacity = '1';
    doc.runner.timeout = 10800;
    doc.runner.labels.push('macos:docker+host', 'macos:host://x');
    doc.workdir = '/tmp';
    expect(configProblems(parse(stringify(doc)))).toEqual([
      'runner.capacity: "1" is not a int',
      'runner.timeout: 10800 is not a time.Duration',
      "runner.fetch_intervall: no such key in forgejo-runner's Runner",
      "cache.enable: no such key in forgejo-runner's Cache",
      "workdir: no such key in forgejo-runner's Config",
      'label macos:docker+host: unsupported schema docker+host',
      'label macos:host://x: host takes no argument',
    ]);
  });

  it('registers and runs with flags the runner CLI defines', () => {
    const cli = cliFlags();
    expect(cli.persistent).toEqual(['config']);
    expect(cli.of('register')).toEqual(
      expect.arrayContaining(['no-interactive', 'instance', 'token', 'name']),
    );
    for (const node of agents) {
      const step = steps.find((s) => s.id === runnerStep(node.host))!;
      const script = step.run.kind === 'shell' ? step.run.script : '';
      const register = /forgejo-runner register ([^\n']*)/.exec(script)?.[1];
      expect(register, node.host).toBeDefined();
      const used = [...register!.matchAll(/--([\w-]+)/g)].map((m) => m[1]!);
      expect(used).toEqual(expect.arrayContaining(['no-interactive', 'instance', 'token', 'name', 'config']));
      for (const flag of used) expect([...cli.persistent, ...cli.of('register')], flag).toContain(flag);
      // The config's labels win over --labels (register warns and ignores the flag): the config alone names them.
      expect(used).not.toContain('labels');

      const plist = files.get(`ai/macs/${node.host}/forgejo-runner/com.beelab.forgejo-runner.plist`)!;
      const args = [...(plist.content as string).matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]!);
      const daemon = args.indexOf('daemon');
      expect(daemon, node.host).toBeGreaterThan(0);
      expect(/"daemon"/.test(ref('cmd.go'))).toBe(true);
      for (const flag of args.slice(daemon + 1).filter((a) => a.startsWith('--')))
        expect([...cli.persistent, ...cli.of('daemon')]).toContain(flag.slice(2));
    }
  });
});
