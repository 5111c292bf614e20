// Replays a captured tfjs WebGPU computation as one recorded command sequence, as a CUDA graph does.
// Why: tfjs encodes each op on the CPU as it runs it (shape checks, a shader key, a uniform buffer,
// a bind group, three pass calls), 70-150 us per dispatch through Dawn on the device machines'
// CPUs, while DRN-A-50's ~80 dispatches take ~5 ms of GPU time in all: `infer` waited on the CPU.
// A capture runs the computation once through tfjs and keeps what each dispatch needs; a replay
// then writes the input, sets a pipeline and a bind group and dispatches, per recorded dispatch,
// in one compute pass and one submit, and reads output 0 back in the same submit.
//
// Buffers: a replay never touches tfjs's buffer pool, whose buffers tfjs hands to other tensors
// once a capture is over. Each pool buffer that held intermediates maps to one buffer of the
// arena's (tfjs reuses a pool buffer only after its tensor is dead, so the same aliasing is safe
// in the same order), each constant uploaded during the capture gets its own buffer with its
// values, the input gets one, and every dispatch's uniform bytes go into one buffer. The only
// tfjs buffers read in place are those of tensors the caller declares long-lived (the weights).
// A capture that meets anything else (a texture, a buffer it cannot place, a dispatch that is not
// tfjs's ordinary one) is refused, and the caller goes on running through tfjs.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * The tfjs release whose private WebGPU backend fields a capture reads. package.json pins tfjs to
 * exactly this version; `replayUnsupported` checks it again at run time (a bundler or a lockfile
 * can still bring another), and anything else runs op by op.
 */
export const REPLAY_TFJS_VERSION = '4.22.0';

/** The backend fields a capture uses, each with the type it must have. */
const REQUIRED_FIELDS: Record<keyof BackendInternals, 'object' | 'function'> = {
  device: 'object',
  queue: 'object',
  tensorMap: 'object',
  uploadToGPU: 'function',
  recordAndSubmit: 'function',
};

/**
 * Why runs on this backend cannot be captured for replay, in words, or null when they can: the
 * tfjs version must be REPLAY_TFJS_VERSION and the private fields must be there with their types.
 */
export function replayUnsupported(backend: unknown, tfjsVersion: string = tf.version['tfjs-core']): string | null {
  if (tfjsVersion !== REPLAY_TFJS_VERSION) return `the replay reads tfjs ${REPLAY_TFJS_VERSION}'s WebGPU internals, and this is tfjs ${tfjsVersion}`;
  if (typeof backend !== 'object' || backend === null) return 'no WebGPU backend';
  const b = backend as Record<string, unknown>;
  const off = Object.entries(REQUIRED_FIELDS).filter(([name, type]) => typeof b[name] !== type || b[name] === null);
  if (off.length) return `tfjs's WebGPU backend lacks what the replay reads (${off.map(([name, type]) => `${name}: ${type}`).join(', ')})`;
  if (typeof (b.tensorMap as { get?: unknown }).get !== 'function') return "tfjs's WebGPU backend lacks what the replay reads (tensorMap.get: function)";
  return null;
}

/** What a capture hooks on tfjs's WebGPU backend, as tfjs 4.22 has it (recordAndSubmit is private there). */
interface BackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: object): { values: ArrayLike<number> | null; dtype: string; resource?: unknown } | undefined };
  uploadToGPU(dataId: object): void;
  recordAndSubmit(program: { pipeline: unknown; dispatch: [number, number, number] }, output: tf.TensorInfo, ...rest: unknown[]): void;
}

type Entry = { binding: number; buffer: GPUBuffer } | { binding: number; uniform: Uint8Array };

interface Dispatch {
  pipeline: GPUComputePipeline;
  workgroups: [number, number, number];
  entries: Entry[];
}

/** The result of one replay. */
export interface ReplayRun {
  /** Output 0's values. */
  data: Float32Array;
  /** CPU time to write the input and encode and submit every dispatch. */
  encodeMs: number;
  /** GPU time of the compute pass by timestamp queries, where the device has them. */
  gpuMs: number | null;
}

/** Copy output `output` of a replay into `into` in the same submit (to hand it to tfjs). */
export interface OutputCopy {
  output: number;
  into: GPUBuffer;
}

/** The buffers a model's graphs share: runs are serialized, so their intermediates can be too. */
export class ReplayArena {
  readonly device: GPUDevice;
  private readonly byPoolBuffer = new Map<GPUBuffer, GPUBuffer>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(device: GPUDevice) {
    this.device = device;
  }

  /** The arena's buffer standing for one of tfjs's pool buffers. */
  intermediate(pool: GPUBuffer): GPUBuffer {
    let own = this.byPoolBuffer.get(pool);
    if (!own) {
      own = this.device.createBuffer({ size: pool.size, usage: STORAGE_USAGE });
      this.byPoolBuffer.set(pool, own);
    }
    return own;
  }

  /** Runs `task` after every task queued before it has finished. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    for (const b of this.byPoolBuffer.values()) b.destroy();
    this.byPoolBuffer.clear();
  }
}

// GPUBufferUsage's flags (the global is not there when this module loads in Node before Dawn).
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const QUERY_RESOLVE = 0x200;
const STORAGE_USAGE = STORAGE | COPY_SRC | COPY_DST;

export class ReplayGraph {
  private readonly arena: ReplayArena;
  private readonly steps: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }[];
  private readonly inputs: GPUBuffer[];
  private readonly outputs: GPUBuffer[];
  private readonly owned: GPUBuffer[];
  private readonly staging: GPUBuffer;
  private readonly timer: { set: GPUQuerySet; resolve: GPUBuffer; at: number } | null;

  constructor(arena: ReplayArena, dispatches: Dispatch[], inputs: GPUBuffer[], outputs: GPUBuffer[], constants: GPUBuffer[]) {
    const device = arena.device;
    this.arena = arena;
    this.inputs = inputs;
    this.outputs = outputs;
    const align = device.limits.minUniformBufferOffsetAlignment;
    const offsets: number[] = [];
    let total = 0;
    for (const d of dispatches) {
      for (const e of d.entries) {
        if (!('uniform' in e)) continue;
        offsets.push(total);
        total += Math.ceil(e.uniform.byteLength / align) * align;
      }
    }
    const uniforms = device.createBuffer({ size: Math.max(total, 16), usage: UNIFORM, mappedAtCreation: true });
    const bytes = new Uint8Array(uniforms.getMappedRange());
    let u = 0;
    this.steps = dispatches.map((d) => ({
      pipeline: d.pipeline,
      workgroups: d.workgroups,
      bindGroup: device.createBindGroup({
        layout: d.pipeline.getBindGroupLayout(0),
        entries: d.entries.map((e) => {
          if ('buffer' in e) return { binding: e.binding, resource: { buffer: e.buffer } };
          const offset = offsets[u++];
          bytes.set(e.uniform, offset);
          return { binding: e.binding, resource: { buffer: uniforms, offset, size: e.uniform.byteLength } };
        }),
      }),
    }));
    uniforms.unmap();
    const timed = device.features.has('timestamp-query');
    const outBytes = outputs[0].size;
    const at = Math.ceil(outBytes / 256) * 256;
    this.staging = device.createBuffer({ size: timed ? at + 16 : outBytes, usage: MAP_READ | COPY_DST });
    this.timer = timed
      ? { set: device.createQuerySet({ type: 'timestamp', count: 2 }), resolve: device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }), at }
      : null;
    this.owned = [...inputs, uniforms, this.staging, ...constants, ...(this.timer ? [this.timer.resolve] : [])];
  }

  /**
   * Writes the inputs (in the capture's order and dtypes, of their captured sizes), runs
   * every recorded dispatch and reads output 0 back. Runs of one arena never overlap.
   */
  run(inputs: readonly (Float32Array | Int32Array)[], copies: OutputCopy[] = []): Promise<ReplayRun> {
    if (inputs.length !== this.inputs.length || inputs.some((a, i) => a.byteLength !== this.inputs[i].size)) {
      return Promise.reject(new Error(`replay: ${inputs.length} inputs of ${inputs.map((a) => a.byteLength).join(', ')} bytes for a graph captured with ${this.inputs.map((b) => b.size).join(', ')}`));
    }
    return this.arena.serial(async () => {
      const device = this.arena.device;
      const start = performance.now();
      inputs.forEach((a, i) => device.queue.writeBuffer(this.inputs[i], 0, a));
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass(
        this.timer ? { timestampWrites: { querySet: this.timer.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {},
      );
      let pipeline: GPUComputePipeline | null = null;
      for (const s of this.steps) {
        if (s.pipeline !== pipeline) pass.setPipeline((pipeline = s.pipeline));
        pass.setBindGroup(0, s.bindGroup);
        pass.dispatchWorkgroups(...s.workgroups);
      }
      pass.end();
      const out = this.outputs[0];
      encoder.copyBufferToBuffer(out, 0, this.staging, 0, out.size);
      if (this.timer) {
        encoder.resolveQuerySet(this.timer.set, 0, 2, this.timer.resolve, 0);
        encoder.copyBufferToBuffer(this.timer.resolve, 0, this.staging, this.timer.at, 16);
      }
      for (const c of copies) encoder.copyBufferToBuffer(this.outputs[c.output], 0, c.into, 0, this.outputs[c.output].size);
      device.queue.submit([encoder.finish()]);
      const encodeMs = performance.now() - start;
      await this.staging.mapAsync(MAP_READ);
      try {
        const mapped = this.staging.getMappedRange();
        const data = new Float32Array(mapped.slice(0, out.size));
        let gpuMs: number | null = null;
        if (this.timer) {
          const [t0, t1] = new BigUint64Array(mapped, this.timer.at, 2);
          gpuMs = Number(t1 - t0) / 1e6;
        }
        return { data, encodeMs, gpuMs };
      } finally {
        this.staging.unmap();
      }
    });
  }

  dispose(): void {
    for (const b of this.owned) b.destroy();
    this.timer?.set.destroy();
  }
}

/** A capture's outcome: the tensors the run computed (the caller owns them) and the graph, or why there is none. */
export interface Capture {
  outputs: tf.Tensor[];
  graph: ReplayGraph | null;
  refused?: string;
}

/**
 * Runs `compute` through tfjs while recording it. `inputs` are tensors whose values are still on
 * the CPU and which only GPU ops read (a replay rewrites them; an op tfjs ran on the CPU would
 * have baked them in); `lasting` are the tensors whose buffers a replay may read in place, and
 * they must outlive the graph.
 */
export function capture(
  backend: WebGPUBackend,
  arena: ReplayArena,
  inputs: readonly tf.Tensor[],
  lasting: Iterable<tf.Tensor>,
  compute: () => tf.Tensor[],
): Capture {
  const unsupported = replayUnsupported(backend);
  if (unsupported) return { outputs: compute(), graph: null, refused: unsupported };
  const b = backend as unknown as BackendInternals;
  const device = b.device;
  const queue = b.queue;
  const lastingIds = new Set<object>([...lasting].map((t) => t.dataId));
  if (inputs.some((t) => b.tensorMap.get(t.dataId)?.resource || !['float32', 'int32'].includes(t.dtype))) {
    return { outputs: compute(), graph: null, refused: 'inputs must be float32 or int32 tensors not yet on the GPU' };
  }
  // Which buffer of ours (or which lasting tfjs buffer) each pool buffer stands for right now.
  const current = new Map<GPUBuffer, GPUBuffer>();
  const constants: GPUBuffer[] = [];
  const dispatches: Dispatch[] = [];
  const uniformBytes = new Map<GPUBuffer, Uint8Array>();
  const inputBuffers: (GPUBuffer | undefined)[] = inputs.map(() => undefined);
  let pending: Dispatch | null = null;
  let refused: string | undefined;
  const refuse = (why: string): void => {
    refused ??= why;
  };
  // A lasting tensor uploaded during the capture may get a pool buffer that held intermediates
  // earlier in it: a lasting buffer is looked up before `current`.
  const lastingBuffers = new Set<unknown>([...lastingIds].map((id) => b.tensorMap.get(id)?.resource).filter(Boolean));

  const restore = [
    hook(b, 'uploadToGPU', (uploadToGPU) => (dataId) => {
      const data = b.tensorMap.get(dataId);
      const values = data && !data.resource && data.values && !lastingIds.has(dataId) ? data.values : null;
      const copy = values ? (data!.dtype === 'int32' || data!.dtype === 'bool' ? Int32Array.from(values) : Float32Array.from(values)) : null;
      uploadToGPU.call(b, dataId);
      const resource = b.tensorMap.get(dataId)?.resource;
      if (lastingIds.has(dataId)) lastingBuffers.add(resource);
      if (!copy || !(resource instanceof GPUBuffer)) return;
      const own = device.createBuffer({ size: resource.size, usage: STORAGE_USAGE, mappedAtCreation: true });
      new Uint8Array(own.getMappedRange()).set(new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength));
      own.unmap();
      const i = inputs.findIndex((t) => t.dataId === dataId);
      if (i >= 0) inputBuffers[i] = own;
      else constants.push(own);
      current.set(resource, own);
    }),
    hook(b, 'recordAndSubmit', (recordAndSubmit) => (program, output, ...rest) => {
      const out = b.tensorMap.get(output.dataId)?.resource;
      if (out instanceof GPUBuffer) current.set(out, arena.intermediate(out));
      else refuse('a dispatch writes something that is not a buffer');
      if (!(program.pipeline instanceof GPUComputePipeline)) refuse('a pipeline was not compiled yet');
      pending = { pipeline: program.pipeline as GPUComputePipeline, workgroups: [...program.dispatch], entries: [] };
      recordAndSubmit.call(b, program, output, ...rest);
      if (pending) refuse('a dispatch made no bind group');
      pending = null;
    }),
    hook(queue, 'writeBuffer', (writeBuffer) =>
      function (this: GPUQueue, buffer, offset, data, dataOffset, size) {
        if (buffer.usage & UNIFORM) {
          // Offsets and sizes count elements for a typed array, bytes for an ArrayBuffer.
          const unit = ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
          const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
          const from = (dataOffset ?? 0) * unit;
          uniformBytes.set(buffer, bytes.slice(from, size === undefined ? undefined : from + size * unit));
          if (offset !== 0) refuse('a uniform written at an offset');
        }
        return writeBuffer.call(this, buffer, offset, data as BufferSource, dataOffset, size);
      },
    ),
    hook(device, 'createBindGroup', (createBindGroup) =>
      function (this: GPUDevice, descriptor) {
        const d = pending;
        pending = null;
        if (!d) refuse('a bind group outside a dispatch');
        for (const e of descriptor.entries) {
          const binding = e.resource as GPUBufferBinding;
          if (!(binding.buffer instanceof GPUBuffer)) {
            refuse('a binding that is not a buffer');
          } else if (binding.buffer.usage & UNIFORM) {
            const bytes = uniformBytes.get(binding.buffer);
            const { offset = 0, size } = binding;
            if (!bytes || offset !== 0 || size === undefined || size > bytes.byteLength) refuse('a uniform binding it did not see written');
            else d?.entries.push({ binding: e.binding, uniform: bytes.slice(0, size) });
          } else {
            const own = lastingBuffers.has(binding.buffer) ? binding.buffer : current.get(binding.buffer);
            if (!own) refuse('a read of a buffer that is neither an input, a constant, an intermediate nor a lasting tensor');
            else d?.entries.push({ binding: e.binding, buffer: own });
          }
        }
        if (d) dispatches.push(d);
        return createBindGroup.call(this, descriptor);
      },
    ),
  ];
  let outputs: tf.Tensor[];
  try {
    outputs = compute();
  } finally {
    for (const r of restore) r();
  }
  const outBuffers = outputs.map((t) => {
    const r = b.tensorMap.get(t.dataId)?.resource;
    return r instanceof GPUBuffer ? current.get(r) : undefined;
  });
  if (inputBuffers.some((i) => !i)) refuse('an input was never read on the GPU');
  if (outBuffers.some((o) => !o)) refuse('an output is not the result of a dispatch');
  if (outputs[0]?.dtype !== 'float32') refuse('output 0 must be float32');
  if (refused) {
    for (const c of [...constants, ...inputBuffers]) c?.destroy();
    return { outputs, graph: null, refused };
  }
  return { outputs, graph: new ReplayGraph(arena, dispatches, inputBuffers as GPUBuffer[], outBuffers as GPUBuffer[], constants) };
}

/** Replaces obj[key] (a method) with make(original) until the returned function restores it. */
function hook<O extends object, K extends keyof O>(obj: O, key: K, make: (original: O[K]) => O[K]): () => void {
  const own = Object.getOwnPropertyDescriptor(obj, key);
  const original = obj[key];
  obj[key] = make(original);
  return () => {
    if (own) Object.defineProperty(obj, key, own);
    else Reflect.deleteProperty(obj, key);
  };
}
