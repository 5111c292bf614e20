// What the page's orchestration needs from the inference worker, as a type: the modules here take
// this, not the Worker-backed client (worker/client.ts), so Node tests drive them with a fake.
import type { BackendInfo, CallName, Calls } from '../worker/protocol';

export interface CallOptions {
  /** Buffers moved to the worker with the request. */
  transfer?: Transferable[];
  /** Progress of a long call (bytes of a load, passes of a faithfulness run). */
  onProgress?(loaded: number, total: number): void;
  /** What the call is doing now ('preparing' = warming the model up), in words. */
  onPhase?(phase: 'preparing', message: string): void;
  /**
   * Cancels the call: the worker drops it if it has not started and stops it between passes if it
   * has (faithfulness); the promise then rejects with an AbortError (isAbort). It settles when the
   * worker answers, so nothing of it still runs; a call that cannot stop midway (an infer already
   * running) finishes and resolves as usual.
   */
  signal?: AbortSignal;
}

/**
 * The shown model's taught classes as the runs see them (orchestration/teach.ts): the indices to ask
 * maps for on every run, and a way to make sure they were read from storage and set in the worker.
 */
export interface TaughtClasses {
  taughtIndices(key: string): number[];
  ensureHeads(): Promise<void>;
}

/** For pages and tests without taught classes. */
export const NO_TAUGHT: TaughtClasses = { taughtIndices: () => [], ensureHeads: async () => {} };

export interface LensClient {
  call<K extends CallName>(call: K, args: Calls[K]['args'], opts?: CallOptions): Promise<Calls[K]['result']>;
  /** The backend changed without being asked (the WebGPU device was lost). One listener. */
  onBackendChange(listener: (info: BackendInfo, reason: string) => void): void;
  terminate(): void;
}

/** A cancelled call's rejection (or an aborted signal's reason), told by its name, never its text. */
export const isAbort = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'AbortError';

export const abortError = (what: string): DOMException => new DOMException(`${what} was cancelled`, 'AbortError');
