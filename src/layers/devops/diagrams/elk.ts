// ELK's layered layout, called synchronously so renderers stay pure functions of the Site.
//
// elkjs only offers `elk.layout()` returning a Promise, because it talks to a (fake) web worker through
// setTimeout. Its FakeWorker wraps a synchronous dispatcher; we create that dispatcher once and call it
// directly, which runs the same GWT-compiled ELK code without the event loop. The test in diagrams.test.ts
// fails if an elkjs update changes this shape.
import { createRequire } from 'node:module';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';

export type { ElkExtendedEdge, ElkNode };

interface Message {
  id: number;
  data?: unknown;
  error?: unknown;
}
interface Dispatcher {
  saveDispatch(event: { data: Record<string, unknown> }): void;
}
type DispatcherClass = new (worker: { postMessage(m: Message): void }) => Dispatcher;

let dispatcher: Dispatcher | undefined;
let answer: Message | undefined;

function load(): Dispatcher {
  if (dispatcher) return dispatcher;
  const require = createRequire(import.meta.url);
  const { Worker } = require('elkjs/lib/elk-worker.min.js') as {
    Worker: new () => { dispatcher: Dispatcher };
  };
  const Class = Object.getPrototypeOf(new Worker().dispatcher).constructor as DispatcherClass;
  const d = new Class({
    postMessage: (m) => {
      answer = m;
    },
  });
  call(d, { cmd: 'register', algorithms: ['layered'] });
  dispatcher = d;
  return d;
}

function call(d: Dispatcher, data: Record<string, unknown>): unknown {
  answer = undefined;
  d.saveDispatch({ data: { id: 0, ...data } });
  const got = answer as Message | undefined;
  if (!got) throw new Error('elkjs answered asynchronously: the synchronous adapter needs updating');
  if (got.error !== undefined) throw new Error(`elkjs layout failed: ${String(got.error)}`);
  return got.data;
}

/** Lays `graph` out in place with ELK (x, y on nodes and labels, sections on edges) and returns it. */
export function layout(graph: ElkNode): ElkNode {
  call(load(), { cmd: 'layout', graph, layoutOptions: {} });
  return graph;
}
