import { useRef, useState } from 'react';
import { ARCHITECTURES } from '../../models/architectures';
import type { Controller } from '../controller';
import type { State } from '../state';

/** Checkpoints by name: PyTorch's .pth/.pt, and the .pth.tar of older releases. */
export const isCheckpointName = (name: string) => /\.(pth|pt|tar|ckpt)$/i.test(name);

export function ImportPanel({ state, controller }: { state: State; controller: Controller }) {
  const input = useRef<HTMLInputElement>(null);
  const [arch, setArch] = useState('');
  const imported = state.models.filter((m) => m.imported);
  const busy = state.importing;
  return (
    <section className="import" aria-label="Import weights">
      <h2>Your own weights</h2>
      <p>
        Import an official DRN checkpoint (<code>.pth</code> from fyu/drn, or a torchvision ResNet): it is converted in this browser, stored here, and
        added to the model picker. Nothing is uploaded.
      </p>
      <div className="import-row">
        <label>
          Architecture{' '}
          <select value={arch} onChange={(e) => setArch(e.target.value)} data-testid="import-arch">
            <option value="">detect from the file</option>
            {Object.keys(ARCHITECTURES).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => input.current?.click()} disabled={busy !== null} data-testid="import-button">
          Import weights (.pth)…
        </button>
        <input
          ref={input}
          type="file"
          accept=".pth,.pt,.tar,.ckpt"
          hidden
          data-testid="import-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void controller.importWeights(f, arch || undefined);
            e.target.value = '';
          }}
        />
      </div>
      {busy && (
        <label className="load" data-testid="import-progress">
          Importing {busy.name}: {busy.stage} ({Math.round(busy.fraction * 100)}%)
          <progress max={1} value={busy.fraction} />
        </label>
      )}
      {imported.length > 0 && (
        <ul className="imported" data-testid="imported-list">
          {imported.map((m) => (
            <li key={m.key}>
              <span>{m.title}</span>
              <button type="button" onClick={() => void controller.deleteImported(m.key)} aria-label={`Delete ${m.title}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
