import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, rankBackends, withForced, type Probe } from './backend-rank';

const wasm: Probe = { name: 'wasm', available: true, software: false, device: 'SIMD, 2 threads' };
const cpu: Probe = { name: 'cpu', available: true, software: false, device: 'JavaScript' };

describe('rankBackends', () => {
  it('puts a real GPU first, WebGPU before WebGL', () => {
    const { order } = rankBackends([
      { name: 'webgl', available: true, software: false, device: 'ANGLE (NVIDIA)' },
      wasm,
      cpu,
      { name: 'webgpu', available: true, software: false, device: 'nvidia ampere' },
    ]);
    expect(order).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('ranks software adapters below wasm and says why', () => {
    const { order, notes } = rankBackends([
      { name: 'webgpu', available: true, software: true, device: 'google swiftshader' },
      { name: 'webgl', available: true, software: true, device: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))' },
      wasm,
      cpu,
    ]);
    expect(order).toEqual(['wasm', 'webgl', 'cpu', 'webgpu']);
    expect(notes.join('\n')).toMatch(/webgpu: software renderer \(google swiftshader\), ranked below wasm/);
  });

  it('leaves out what is unavailable', () => {
    const { order, notes } = rankBackends([{ name: 'webgpu', available: false, software: false, device: 'no adapter' }, wasm, cpu]);
    expect(order).toEqual(['wasm', 'cpu']);
    expect(notes).toEqual(['webgpu: unavailable (no adapter)']);
  });
});

describe('withForced', () => {
  it('tries the forced backend first, then the ranking', () => {
    expect(withForced(['wasm', 'cpu', 'webgpu'], 'webgpu')).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(withForced(['wasm', 'cpu'], 'auto')).toEqual(['wasm', 'cpu']);
  });
});

describe('isSoftwareRenderer', () => {
  it('knows SwiftShader and llvmpipe, not real GPUs', () => {
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))')).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080)')).toBe(false);
  });
});
