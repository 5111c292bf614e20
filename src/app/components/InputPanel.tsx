import { useRef } from 'react';
import type { Controller } from '../controller';
import { SAMPLES } from '../samples';

export function InputPanel({ controller, onFile }: { controller: Controller; onFile: (f: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const base = import.meta.env.BASE_URL;
  return (
    <section className="input" aria-label="Choose a photo">
      <p>
        Drop a photo anywhere on the page, paste one, or{' '}
        <button type="button" onClick={() => input.current?.click()}>
          choose a file…
        </button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) onFile(f);
            e.target.value = '';
          }}
        />
      </p>
      <div className="samples" role="group" aria-label="Sample photos">
        {SAMPLES.map((s) => (
          <button type="button" key={s.file} className="sample" onClick={() => void controller.openSample(s.file)}>
            <img src={`${base}samples/${s.file}`} alt="" width={96} height={64} />
            <span>{s.title}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
