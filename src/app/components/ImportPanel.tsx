import { useState } from 'react';
import { ARCHITECTURES } from '../../models/architectures';
import type { ImportState, ModelEntry } from '../state';
import { FilePicker } from './FilePicker';

/** Checkpoints by name: PyTorch's .pth/.pt, and the .pth.tar of older releases. */
export const isCheckpointName = (name: string) => /\.(pth|pt|tar|ckpt)$/i.test(name);

export interface ImportPanelProps {
  models: ModelEntry[];
  importing: ImportState | null;
  onImport(file: File, arch: string | undefined): void;
  onDelete(key: string): void;
}

export function ImportPanel({ models, importing: busy, onImport, onDelete }: ImportPanelProps) {
  const [arch, setArch] = useState('');
  const imported = models.filter((m) => m.imported);
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
        <FilePicker
          accept=".pth,.pt,.tar,.ckpt"
          inputTestId="import-input"
          buttonTestId="import-button"
          disabled={busy !== null}
          onFile={(f) => onImport(f, arch || undefined)}
        >
          Import weights (.pth)…
        </FilePicker>
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
              <button type="button" onClick={() => onDelete(m.key)} aria-label={`Delete ${m.title}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
