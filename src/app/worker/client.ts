// The page's side of the worker: one promise per call, progress by callback, cancellation by
// AbortSignal, and unasked-for backend changes (a lost GPU) delivered to a listener. Every reply
// is checked against the protocol (protocol-check.ts) before it settles a call.
import { abortError, type CallOptions, type LensClient } from '../orchestration/lens-client';
import type { BackendInfo, CallName, Calls, PageMessage } from './protocol';
import { readWorkerMessage, resultProblem } from './protocol-check';

type Pending = CallOptions & {
  call: CallName;
  resolve(v: unknown): void;
  reject(e: Error): void;
};

/** Where the client posts and from where it hears: a Worker, or a fake in tests. */
export interface Port {
  postMessage(message: PageMessage, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

export const lensWorker = (): Port =>
  new Worker(new URL('./lens-worker.ts', import.meta.url), { type: 'module', name: 'drn-lens-inference' }) as unknown as Port;

export class WorkerLensClient implements LensClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private backendListener: (info: BackendInfo, reason: string) => void = () => {};

  constructor(private readonly worker: Port = lensWorker()) {
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      const err = new Error(`the inference worker crashed: ${ev.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  onBackendChange(listener: (info: BackendInfo, reason: string) => void): void {
    this.backendListener = listener;
  }

  private receive(data: unknown): void {
    const m = readWorkerMessage(data);
    if (typeof m === 'string') {
      // The call it belongs to, if the id can be read, fails; otherwise it cannot be placed.
      const id = (data as { id?: unknown } | null)?.id;
      const p = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (p) this.settle(id as number, () => p.reject(new Error(`The inference worker's reply to ${p.call} was malformed: ${m}.`)));
      else console.error(`The inference worker sent ${m}; ignored.`);
      return;
    }
    if (m.type === 'backend') {
      this.backendListener(m.info, m.reason);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') p.onProgress?.(m.loaded, m.total);
    else if (m.type === 'phase') p.onPhase?.(m.phase, m.message);
    else if (m.type === 'error') this.settle(m.id, () => p.reject(m.aborted ? abortError(p.call) : new Error(m.message)));
    else {
      const problem = resultProblem(p.call, m.result);
      this.settle(m.id, () =>
        problem ? p.reject(new Error(`The inference worker's reply to ${p.call} was malformed: ${problem}.`)) : p.resolve(m.result),
      );
    }
  }

  private settle(id: number, how: () => void): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.signal?.removeEventListener('abort', this.aborts.get(id)!);
    this.aborts.delete(id);
    how();
  }

  private aborts = new Map<number, () => void>();

  call<K extends CallName>(call: K, args: Calls[K]['args'], opts: CallOptions = {}): Promise<Calls[K]['result']> {
    if (opts.signal?.aborted) return Promise.reject(abortError(call));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { ...opts, call, resolve: resolve as (v: unknown) => void, reject });
      if (opts.signal) {
        // The worker answers a cancelled request with an aborted error, which settles it.
        const onAbort = () => this.worker.postMessage({ cancel: id }, []);
        this.aborts.set(id, onAbort);
        opts.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.worker.postMessage({ id, call, args } as PageMessage, opts.transfer ?? []);
    });
  }

  terminate(): void {
    this.worker.terminate();
    const err = abortError('the inference worker');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
