// Probing and switching tfjs backends inside the worker. Which one to use is decided by the pure
// ranking in backend-rank.ts; this file only asks the browser what it has.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { replayUnsupported } from '../../models/webgpu-replay';
import { isSoftwareRenderer, rankBackends, withForced, type Probe } from '../backend-rank';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// tfjs-backend-wasm sizes its thread pool at half of navigator.hardwareConcurrency (leaving half to
// the page) and setThreadsCount can only lower that; here the page's thread idles while this worker
// computes, so before the wasm module starts this worker reports twice its cores (a pool of at most 8).
const CORES = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * CORES, configurable: true });
setThreadsCount(CORES);

const SET_BACKEND_TIMEOUT_MS = 30_000;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

async function probeWebGPU(): Promise<Probe> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return { name: 'webgpu', available: false, software: false, device: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  type Adapter = { info?: AdapterInfoLike; isFallbackAdapter?: boolean };
  let adapter: Adapter | null;
  try {
    adapter = (await gpu.requestAdapter()) as Adapter | null;
  } catch (e) {
    return { name: 'webgpu', available: false, software: false, device: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { name: 'webgpu', available: false, software: false, device: 'no WebGPU adapter (requestAdapter returned null)' };
  const info = adapter.info ?? {};
  const words = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  return {
    name: 'webgpu',
    available: true,
    software: fallback || isSoftwareRenderer(words),
    device: fallback ? `${words} (fallback adapter)` : words,
  };
}

function probeWebGL(): Probe {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return { name: 'webgl', available: false, software: false, device: 'no WebGL 2 context' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { name: 'webgl', available: true, software: isSoftwareRenderer(renderer), device: renderer };
  } catch (e) {
    return { name: 'webgl', available: false, software: false, device: `WebGL 2 failed: ${(e as Error).message}` };
  }
}

async function wasmWords(started: boolean): Promise<string> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (!isolated) return 'one thread (page not cross-origin isolated)';
  if (!started) return 'WebAssembly';
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const n = getThreadsCount();
  const mt = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? '' : ' (no multithreading support)';
  return `${simd}, ${n} thread${n === 1 ? '' : 's'}${mt}`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function trySet(name: BackendName): Promise<string | null> {
  try {
    if (!tf.engine().registryFactory[name]) return 'not built into this browser';
    const ok = await withTimeout(tf.setBackend(name), SET_BACKEND_TIMEOUT_MS, `starting ${name}`);
    if (!ok) return 'failed to start';
    // A backend that starts but cannot run a kernel is no use.
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)));
    const v = (await probe.data())[0];
    probe.dispose();
    return v === 2 ? null : 'computed 1 + 1 wrongly';
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

/**
 * Starts the best backend (or the forced one, falling back through the ranking when it fails)
 * and says what runs and why. `exclude` drops a backend that just failed (a lost GPU).
 */
export async function startBackend(choice: BackendChoice, exclude: BackendName[] = []): Promise<BackendInfo> {
  const probes: Probe[] = [
    await probeWebGPU(),
    probeWebGL(),
    { name: 'wasm', available: typeof WebAssembly === 'object', software: false, device: await wasmWords(false) },
    { name: 'cpu', available: true, software: false, device: 'plain JavaScript' },
  ];
  const ranked = rankBackends(probes);
  const order = withForced(ranked.order, choice).filter((b) => !exclude.includes(b));
  const notes = choice === 'auto' ? [...ranked.notes] : [];
  for (const name of order) {
    const failure = await trySet(name);
    const probe = probes.find((p) => p.name === name)!;
    if (failure === null) {
      if (name === 'wasm') probe.device = await wasmWords(true);
      const noReplay = name === 'webgpu' ? replayUnsupported(tf.backend()) : null;
      if (noReplay) notes.push(`runs go op by op through tfjs, not replayed: ${noReplay}`);
      return { name, device: probe.device, software: probe.software, notes };
    }
    const why = probe.available ? failure : probe.device;
    notes.push(name === choice ? `${name} was requested but cannot run here (${why}); fell back` : `${name}: ${why}`);
  }
  throw new Error(`no tfjs backend could start: ${notes.join('; ')}`);
}

export interface LosableDevice {
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
}

/** The running WebGPU device, for watching it get lost. */
export function webgpuDevice(): LosableDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: LosableDevice }).device ?? null;
}
