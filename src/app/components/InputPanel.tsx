import { FilePicker } from './FilePicker';
import { SAMPLES } from '../samples';

export function InputPanel({ onFile, onSample }: { onFile: (f: File) => void; onSample: (file: string) => void }) {
  const base = import.meta.env.BASE_URL;
  return (
    <section className="input" aria-label="Choose a photo">
      <p>
        Drop a photo anywhere on the page, paste one, or{' '}
        <FilePicker accept="image/*" inputTestId="file-input" onFile={onFile}>
          choose a file…
        </FilePicker>
      </p>
      <div className="samples" role="group" aria-label="Sample photos">
        {SAMPLES.map((s) => (
          <button type="button" key={s.file} className="sample" onClick={() => onSample(s.file)}>
            <img src={`${base}samples/${s.file}`} alt="" width={96} height={64} />
            <span>{s.title}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
