// tfjs in Node without @tensorflow/tfjs-node (whose install downloads a native binary): the wasm
// backend (XNNPACK, SIMD; tfjs 4.22 cannot start its threads in Node) when it starts, else the
// pure-JS cpu backend. WebGPU runs through Dawn's Node binding, the optional `webgpu` package,
// which is not installed by default (it ships a 50 MB native module).
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> };
  globals: Record<string, unknown>;
}

let adapterInfo = '';

async function startWebGpu(): Promise<void> {
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ 'webgpu' as string)) as DawnModule;
  } catch {
    throw new Error('--backend webgpu needs the optional Dawn binding: npm install --no-save webgpu@0.6.2');
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('webgpu: no adapter (Dawn needs a Vulkan driver and libvulkan.so.1)');
  const info = adapter.info ?? {};
  adapterInfo = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu }, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu: tfjs could not start its WebGPU backend');
}

export async function initBackend(preferred: NodeBackend = 'wasm'): Promise<string> {
  if (preferred === 'webgpu') {
    await startWebGpu();
    await tf.ready();
    return describeBackend();
  }
  if (preferred === 'wasm') {
    // One XNNPACK kernel (it spills SIMD registers to the stack) ran up to half again slower under
    // V8's generic JS-to-wasm wrapper: in worker threads always, in the main thread in some runs, so
    // `eval --jobs N` fell well short of N times one job. With per-signature wrappers it runs at its
    // best in both (scripts/wasm-profile.sh times each wasm function per image, either way). V8
    // reads the flag when it makes a module's wrappers, before tfjs instantiates it; a node command
    // line that names the flag keeps its own choice.
    if (!process.execArgv.some((a) => a.includes('wasm-generic-wrapper'))) setFlagsFromString('--no-wasm-generic-wrapper');
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return describeBackend();
      }
    } catch {
      // Fall through to cpu: a missing or blocked .wasm file must not stop the CLI.
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return describeBackend();
}

export function describeBackend(): string {
  const name = tf.getBackend();
  if (name === 'webgpu') return `webgpu (${adapterInfo || 'unknown adapter'})`;
  if (name !== 'wasm') return name;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : '1 thread'})`;
}
