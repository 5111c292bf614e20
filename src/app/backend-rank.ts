// Automatic backend choice as a pure function of what the browser offers. Measured here
// (../shared/README.md): a software WebGPU adapter is ~100x slower than wasm and software
// WebGL ~40x, so only real GPUs outrank wasm.
import type { BackendName } from './worker/protocol';

export interface Probe {
  name: BackendName;
  available: boolean;
  software: boolean;
  /** The device in words, or why the backend is unavailable. */
  device: string;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render/i;

/** True for renderer/adapter strings of CPU rasterizers posing as GPUs. */
export function isSoftwareRenderer(description: string): boolean {
  return SOFTWARE.test(description);
}

function score(p: Probe): number {
  if (p.name === 'wasm') return 50;
  if (p.name === 'cpu') return 20;
  const gpu = p.name === 'webgpu' ? 100 : 90;
  // Software WebGL (~18 s a pass here) still beats plain JS; software WebGPU (~45 s) does not.
  if (p.software) return p.name === 'webgl' ? 30 : 10;
  return gpu;
}

/** Backends to try, best first, and a sentence for each one that was passed over. */
export function rankBackends(probes: Probe[]): { order: BackendName[]; notes: string[] } {
  const usable = probes.filter((p) => p.available).sort((a, b) => score(b) - score(a));
  const notes: string[] = [];
  for (const p of probes) {
    if (!p.available) notes.push(`${p.name}: unavailable (${p.device})`);
    else if (p.software && p.name !== 'cpu') notes.push(`${p.name}: software renderer (${p.device}), ranked below wasm`);
  }
  return { order: usable.map((p) => p.name), notes };
}

/** A forced backend goes first; the automatic ranking follows as its fallback. */
export function withForced(order: BackendName[], forced: BackendName | 'auto'): BackendName[] {
  return forced === 'auto' ? order : [forced, ...order.filter((b) => b !== forced)];
}
