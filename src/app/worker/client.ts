// The page's side of the worker: one promise per call, progress by callback, and unasked-for
// backend changes (a lost GPU) delivered to a listener.
import type { BackendInfo, CallName, Calls, Request, WorkerMessage } from './protocol';

type Pending = {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?(loaded: number, total: number): void;
  onPhase?(phase: 'preparing', message: string): void;
};

export class LensClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  onBackendChange: (info: BackendInfo, reason: string) => void = () => {};

  constructor() {
    this.worker = new Worker(new URL('./lens-worker.ts', import.meta.url), { type: 'module', name: 'drn-lens-inference' });
    this.worker.onmessage = (ev: MessageEvent<WorkerMessage>) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      const err = new Error(`the inference worker crashed: ${ev.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(m: WorkerMessage): void {
    if (m.type === 'backend') {
      this.onBackendChange(m.info, m.reason);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.loaded, m.total);
      return;
    }
    if (m.type === 'phase') {
      p.onPhase?.(m.phase, m.message);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'ok') p.resolve(m.result);
    else p.reject(new Error(m.message));
  }

  call<K extends CallName>(
    call: K,
    args: Calls[K]['args'],
    opts: { transfer?: Transferable[]; onProgress?: Pending['onProgress']; onPhase?: Pending['onPhase'] } = {},
  ): Promise<Calls[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress, onPhase: opts.onPhase });
      this.worker.postMessage({ id, call, args } as Request, opts.transfer ?? []);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
