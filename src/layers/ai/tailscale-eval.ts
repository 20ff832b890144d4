// Evaluates a tailnet policy's network grants the way Tailscale does (union of allow rules, deny by default),
// and runs its `tests` section: what `beelab check` and the tests use to prove the policy.

/** The parts of a tailnet policy file this evaluator reads. */
export interface TailnetPolicy {
  groups?: Record<string, string[]>;
  hosts?: Record<string, string>;
  tagOwners?: Record<string, string[]>;
  grants?: { src: string[]; dst: string[]; ip?: string[] }[];
  tests?: { src: string; proto?: string; accept?: string[]; deny?: string[] }[];
}

/** Who connects: a user's device (login) or a tagged device (tagged devices belong to no user). */
export type Identity = { user: string } | { tags: readonly string[] };

/** What is connected to: a tagged device, or a `hosts` alias (a subnet-routed address). */
export type Target = { tags: readonly string[] } | { alias: string };

function srcMatches(policy: TailnetPolicy, sel: string, who: Identity): boolean {
  if (sel === '*') return true;
  if ('tags' in who) return sel.startsWith('tag:') && who.tags.includes(sel);
  if (sel === 'autogroup:member') return true;
  if (sel.startsWith('group:')) return (policy.groups?.[sel] ?? []).includes(who.user);
  return sel === who.user;
}

function dstMatches(sel: string, to: Target): boolean {
  if (sel === '*') return true;
  if ('tags' in to) return sel.startsWith('tag:') && to.tags.includes(sel);
  return sel === to.alias;
}

/** `tcp:4000`, `tcp:4000-4001`, `tcp:*`, `4000` (any protocol), `*`. */
function ipMatches(cap: string, proto: string, port: number): boolean {
  if (cap === '*') return true;
  const [p, range] = cap.includes(':') ? cap.split(':', 2) : [undefined, cap];
  if (p !== undefined && p !== proto) return false;
  if (range === '*') return true;
  const [lo, hi] = range!.split('-').map(Number);
  return port >= lo! && port <= (hi ?? lo!);
}

/** Whether any grant lets `who` reach `to` on proto/port. */
export function allows(
  policy: TailnetPolicy,
  who: Identity,
  to: Target,
  proto: string,
  port: number,
): boolean {
  return (policy.grants ?? []).some(
    (g) =>
      g.src.some((s) => srcMatches(policy, s, who)) &&
      g.dst.some((d) => dstMatches(d, to)) &&
      (g.ip ?? []).some((c) => ipMatches(c, proto, port)),
  );
}

/** A test's `src`: a tag or a login. */
export function identityOf(src: string): Identity {
  return src.startsWith('tag:') ? { tags: [src] } : { user: src };
}

/** A test's destination `tag:x:PORT` or `alias:PORT`. */
export function parseTestDst(dst: string): { target: Target; port: number } | undefined {
  const i = dst.lastIndexOf(':');
  const port = Number(dst.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) return undefined;
  const name = dst.slice(0, i);
  return { target: name.startsWith('tag:') ? { tags: [name] } : { alias: name }, port };
}

/** Runs the policy's tests; every failure as one line. */
export function runPolicyTests(policy: TailnetPolicy): string[] {
  const failures: string[] = [];
  (policy.tests ?? []).forEach((t, i) => {
    const who = identityOf(t.src);
    const proto = t.proto ?? 'tcp';
    for (const [list, want] of [
      [t.accept ?? [], true],
      [t.deny ?? [], false],
    ] as const) {
      for (const d of list) {
        const parsed = parseTestDst(d);
        if (!parsed) {
          failures.push(`tests[${i}]: "${d}" is not a destination of the form tag:NAME:PORT or HOST:PORT`);
          continue;
        }
        if (allows(policy, who, parsed.target, proto, parsed.port) !== want)
          failures.push(
            `tests[${i}]: ${t.src} -> ${d} (${proto}) is ${want ? 'denied' : 'allowed'} but the test says ${want ? 'accept' : 'deny'}`,
          );
      }
    }
  });
  return failures;
}
