import type { Controller } from '../controller';
import type { State } from '../state';
import { BACKENDS, type BackendChoice } from '../worker/protocol';

const BACKEND_LABEL: Record<BackendChoice, string> = {
  auto: 'Automatic',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly (wasm)',
  cpu: 'CPU (plain JS)',
};

export function Toolbar({ state, controller }: { state: State; controller: Controller }) {
  const result = state.results[state.modelKey];
  return (
    <section className="toolbar" aria-label="Model and backend">
      <label>
        Model{' '}
        <select value={state.modelKey} onChange={(e) => void controller.chooseModel(e.target.value)} data-testid="model-select">
          {state.models.map((m) => (
            <option key={m.key} value={m.key}>
              {m.title}
              {m.imported ? ' (imported)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Backend{' '}
        <select
          value={state.backendChoice}
          onChange={(e) => void controller.chooseBackend(e.target.value as BackendChoice)}
          data-testid="backend-select"
        >
          {(['auto', ...BACKENDS] as BackendChoice[]).map((b) => (
            <option key={b} value={b}>
              {BACKEND_LABEL[b]}
            </option>
          ))}
        </select>
      </label>
      <dl className="status" aria-live="polite">
        <div>
          <dt>Running on</dt>
          <dd data-testid="backend">{state.backendBusy ? 'starting…' : (state.backend?.name ?? 'none')}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd data-testid="device">
            {state.backend?.device ?? '—'}
            {state.backend?.software ? ' (software)' : ''}
          </dd>
        </div>
        <div>
          <dt>Last inference</dt>
          <dd data-testid="last-ms" title={result?.inference.replayed ? 'a replay of the recorded WebGPU commands of an earlier run' : undefined}>
            {result ? `${Math.round(result.inference.ms)} ms${result.inference.replayed ? ' (replayed)' : ''}` : '—'}
          </dd>
        </div>
        <div>
          <dt>Tensors</dt>
          <dd data-testid="tensors">{state.memory?.numTensors ?? '—'}</dd>
        </div>
      </dl>
      <button type="button" onClick={() => void controller.rerun()} disabled={!state.photo || state.running} data-testid="rerun">
        Run again
      </button>
      {state.backend && state.backend.notes.length > 0 && (
        <details className="notes">
          <summary>Why this backend</summary>
          <ul data-testid="backend-notes">
            {state.backend.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
