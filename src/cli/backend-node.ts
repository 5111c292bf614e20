// tfjs in Node without @tensorflow/tfjs-node (whose install downloads a native binary):
// the wasm backend (XNNPACK, SIMD) when it starts, else the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function initBackend(preferred: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (preferred === 'wasm') {
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
  if (name !== 'wasm') return name;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : '1 thread'})`;
}
