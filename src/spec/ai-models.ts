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
