// Facts about model servers and models that the spec rules and the AI layer share: ports and memory.
import type { AiBackend } from './schema.ts';

/** Default listen port of each model server kind. */
export const BACKEND_PORTS: Record<AiBackend, number> = {
  ollama: 11434,
  llamacpp: 8080,
  mlx: 8081,
  vllm: 8000,
  lmstudio: 1234,
};

/**
 * Memory a model needs, estimated from the parameter count in its name (`qwen3:32b`, `llama3.3:70b`,
 * `qwen3:235b-a22b`): 4-bit weights plus KV cache and runtime, about 0.6 GB per billion parameters plus 1 GB.
 * Undefined when the name carries no size (an embedder, a file name).
 */
export function modelMemoryGb(model: string): number | undefined {
  const m = /[:_/-](\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(model);
  if (!m) return undefined;
  return Math.round((Number(m[1]) * 0.6 + 1) * 10) / 10;
}

/** Share of a Mac's unified memory the GPU may wire by default (macOS keeps the rest): about 75%. */
export const GPU_MEMORY_SHARE = 0.75;

/** An embedding model, by its name (nomic-embed-text, mxbai-embed-large): never a chat alias. */
export function isEmbedding(model: string): boolean {
  return /embed/i.test(model);
}

/**
 * The gateway's model aliases for a mesh: `default` for the first chat model of the node with the most memory,
 * `small` for that of the node with the least (when it differs), `embed` for the first embedder. Only the aliases
 * the mesh can back exist; the spec rules and both gateways' configs read them from here.
 */
export function aliasesOf(
  nodes: readonly { models: readonly string[]; memoryGb?: number }[],
): Record<string, string> {
  const chat = (n: { models: readonly string[] }) => n.models.find((m) => !isEmbedding(m));
  const withModels = nodes.filter((n) => chat(n)).sort((a, b) => (b.memoryGb ?? 0) - (a.memoryGb ?? 0));
  const out: Record<string, string> = {};
  if (withModels[0]) out.default = chat(withModels[0])!;
  const last = withModels.at(-1);
  if (last && chat(last) !== out.default) out.small = chat(last)!;
  const embed = nodes.flatMap((n) => n.models).find(isEmbedding);
  if (embed) out.embed = embed;
  return out;
}
