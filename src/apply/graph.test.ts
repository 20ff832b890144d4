import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { buildGraph, findCycle, graphProblems } from './graph.ts';
import { step } from './testing/fixtures.ts';

const hosts = new Set(['pve1', 'fw']);

describe('step graph', () => {
  it('orders by dependency, ties in the given order', () => {
    const g = buildGraph([step('a/c', ['a/b']), step('a/b'), step('a/d')], hosts);
    expect(g.order.map((s) => s.id)).toEqual(['a/b', 'a/c', 'a/d']);
  });

  it('names the steps of a cycle', () => {
    const steps = [step('x/a', ['x/c']), step('x/b', ['x/a']), step('x/c', ['x/b']), step('x/free')];
    expect(findCycle(steps)).toEqual(['x/a', 'x/c', 'x/b', 'x/a']);
    expect(() => buildGraph(steps, hosts)).toThrow(UserError);
    try {
      buildGraph(steps, hosts);
    } catch (err) {
      expect((err as UserError).details.join('\n')).toContain('steps form a cycle: x/a → x/c → x/b → x/a');
    }
  });

  it('reports unknown dependencies, unknown hosts, duplicates and bad ids all at once', () => {
    const problems = graphProblems(
      [
        step('n/a', ['n/missing']),
        step('n/b', [], [], ['pve9']),
        step('n/b'),
        step('Bad Id'),
        step('n/s', ['n/s']),
      ],
      hosts,
    );
    expect(problems).toEqual([
      'step n/b is defined 2 times',
      'step n/a depends on unknown step n/missing',
      'step n/b names unknown host pve9',
      'step id "Bad Id" is not of the form area/what[/host] (lower case, no spaces)',
      'step n/s depends on itself',
    ]);
  });

  it('handles a 20,000-step chain without recursion limits', () => {
    const steps = Array.from({ length: 20_000 }, (_, i) => step(`c/${i}`, i ? [`c/${i - 1}`] : []));
    expect(buildGraph(steps.reverse(), new Set()).order[0]!.id).toBe('c/0');
  });
});
