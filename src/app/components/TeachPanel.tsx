import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { RGBAImage } from '../../image/geometry';
import { CameraError, VideoFrames, openCamera, stopCamera } from '../camera';
import type { TeachRun } from '../teach/teach-run';
import { pendingExamples, type TeachExample, type TeachState } from '../teach/teach-state';
import { download } from './download';

/** A camera frame is sampled this often while the record button is held. */
const SAMPLE_MS = 300;

const imagesOf = (list: FileList | null | undefined): File[] => [...(list ?? [])].filter((f) => !f.name.startsWith('.'));

/** The camera for examples: open it, then hold the button; frames are sampled while it is held. */
function TeachCamera({ onFrames }: { onFrames(frames: RGBAImage[]): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const [open, setOpen] = useState(false);
  const [held, setHeld] = useState(false);
  const [count, setCount] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const stopSampling = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
    setHeld(false);
  };
  const close = () => {
    stopSampling();
    if (stream.current) stopCamera(stream.current);
    stream.current = null;
    if (video.current) video.current.srcObject = null;
    setOpen(false);
  };
  useEffect(() => close, []);

  const start = async () => {
    setError(null);
    try {
      stream.current = await openCamera();
      video.current!.srcObject = stream.current;
      await video.current!.play();
      setOpen(true);
    } catch (e) {
      close();
      setError(e instanceof CameraError ? e.message : `The camera could not be started: ${(e as Error).message}`);
    }
  };

  const hold = () => {
    if (!video.current || timer.current) return;
    const frames = new VideoFrames(video.current, 480);
    setHeld(true);
    const sample = () => {
      const f = frames.grab();
      if (!f) return;
      setCount((n) => n + 1);
      onFrames([f]);
    };
    sample();
    timer.current = setInterval(sample, SAMPLE_MS);
  };

  return (
    <div className="teach-camera">
      {!open ? (
        <button type="button" onClick={() => void start()} data-testid="teach-camera">
          Add from the camera
        </button>
      ) : (
        <>
          <button
            type="button"
            className={held ? 'recording' : undefined}
            data-testid="teach-record"
            onPointerDown={hold}
            onPointerUp={stopSampling}
            onPointerLeave={stopSampling}
            onKeyDown={(e) => (e.key === ' ' || e.key === 'Enter') && hold()}
            onKeyUp={stopSampling}
          >
            {held ? 'Recording… release to stop' : 'Hold to record'}
          </button>
          <button type="button" onClick={close} data-testid="teach-camera-close">
            Close camera
          </button>
        </>
      )}
      {count > 0 && <output data-testid="teach-recorded">{count} frames recorded</output>}
      {error && (
        <p role="alert" data-testid="teach-camera-error">
          {error}
        </p>
      )}
      <video ref={video} muted playsInline className={open ? 'teach-preview' : 'teach-preview off'} />
    </div>
  );
}

function Thumbs({ examples, onRemove }: { examples: TeachExample[]; onRemove(id: string): void }) {
  if (!examples.length) return null;
  return (
    <ul className="teach-thumbs" data-testid="teach-thumbs">
      {examples.map((e) => (
        <li key={e.id} className={e.kind} title={e.error ?? e.name} data-testid={`teach-thumb-${e.kind}`}>
          {e.thumb ? <img src={e.thumb} alt={e.name} /> : <span className="thumb-missing">{e.name}</span>}
          <span className="thumb-state">{e.error ? 'not used' : e.features ? (e.kind === 'negative' ? 'not this' : '') : 'reading…'}</span>
          <button type="button" className="link" onClick={() => onRemove(e.id)} aria-label={`Remove ${e.name}`} data-testid="teach-remove">
            ×
          </button>
          {e.error && <small className="thumb-error">{e.error}</small>}
        </li>
      ))}
    </ul>
  );
}

export interface TeachPanelProps {
  teach: TeachState;
  /** The shown model's title, null until it has loaded. */
  model: string | null;
  numClasses: number;
  /** The share link's size in words, with the taught classes it carries. */
  link: { words: string; heads: number };
  run: TeachRun;
  onName(name: string): void;
}

/** Teach it your own object: examples in, a class like any other out (teach-run.ts does the work). */
export function TeachPanel({ teach, model, numClasses, link, run, onName }: TeachPanelProps) {
  const positives = teach.examples.filter((e) => e.kind === 'positive' && !e.error).length;
  const negatives = teach.examples.filter((e) => e.kind === 'negative' && !e.error).length;
  const pending = pendingExamples(teach);
  const add = (files: File[], kind: TeachExample['kind']) => {
    if (files.length) void run.addFiles(files, kind);
  };
  // The input is emptied, so that picking the same photos again adds them again.
  const picked = (input: HTMLInputElement, kind: TeachExample['kind']) => {
    const files = imagesOf(input.files);
    input.value = '';
    add(files, kind);
  };
  const take = (e: DragEvent | ClipboardEvent, files: FileList | undefined) => {
    e.preventDefault();
    e.stopPropagation();
    add(imagesOf(files), 'positive');
  };
  return (
    <section
      className="teach"
      data-testid="teach"
      aria-label="Teach"
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onDrop={(e) => take(e, e.dataTransfer.files)}
      onPaste={(e) => take(e, e.clipboardData.files)}
    >
      <h2>Teach it your own object</h2>
      <p>
        A few photos of your object make a new class with its own {numClasses ? 'class map and box' : 'map'}: each photo runs through{' '}
        {model ?? 'the model'} once, then a linear head is trained on what it saw (in milliseconds; no photo leaves this browser). Drop or paste
        photos on this panel, or pick them.
      </p>
      <div className="teach-inputs">
        <label>
          Name{' '}
          <input
            type="text"
            value={teach.name}
            maxLength={100}
            placeholder="my mug"
            data-testid="teach-name"
            onChange={(e) => onName(e.target.value)}
          />
        </label>
        <label>
          Photos of it <input type="file" accept="image/*" multiple data-testid="teach-examples" onChange={(e) => picked(e.target, 'positive')} />
        </label>
        <label>
          A folder of them{' '}
          <input type="file" data-testid="teach-folder" {...{ webkitdirectory: '' }} onChange={(e) => picked(e.target, 'positive')} />
        </label>
        <label>
          Not this <small>(optional)</small>{' '}
          <input type="file" accept="image/*" multiple data-testid="teach-negatives" onChange={(e) => picked(e.target, 'negative')} />
        </label>
        <TeachCamera onFrames={(frames) => void run.addFrames(frames, 'positive')} />
      </div>
      <Thumbs examples={teach.examples} onRemove={(id) => run.removeExample(id)} />
      <div className="teach-train">
        <span data-testid="teach-counts">
          {positives} photo{positives === 1 ? '' : 's'} of it · {negatives} not this
          {pending > 0 && ` · reading ${pending}…`}
        </span>
        <button
          type="button"
          disabled={!model || teach.training !== null || positives === 0}
          onClick={() => void run.train()}
          data-testid="teach-train"
        >
          Train
        </button>
        {teach.examples.length > 0 && (
          <button type="button" className="link" onClick={() => run.clearExamples()} data-testid="teach-clear">
            clear examples
          </button>
        )}
      </div>
      {negatives === 0 && positives > 0 && (
        <p className="teach-note">
          No &quot;not this&quot; photos: the class is trained against built-in photos of everyday things (where this model has them) and the ImageNet
          classes as competitors.
        </p>
      )}
      <output className="teach-progress" data-testid="teach-progress">
        {teach.training ?? teach.figures ?? ''}
      </output>
      <TaughtList teach={teach} numClasses={numClasses} link={link} run={run} />
    </section>
  );
}

function TaughtList({ teach, numClasses, link, run }: { teach: TeachState; numClasses: number; link: TeachPanelProps['link']; run: TeachRun }) {
  return (
    <div className="taught">
      <h3>Taught classes{teach.heads.length ? ` (${teach.heads.length})` : ''}</h3>
      {teach.heads.length > 0 && (
        <ul data-testid="taught-list">
          {teach.heads.map((h, j) => (
            <li key={h.id} data-testid={`taught-${j}`}>
              <span className="name">{h.name}</span>{' '}
              <small>
                class #{numClasses + j} · {h.examples.positives ? `${h.examples.positives} photos, ${h.examples.negatives} not this` : 'from a link'}
              </small>{' '}
              <button
                type="button"
                className="link"
                data-testid={`taught-export-${j}`}
                onClick={() => {
                  const file = run.exportHead(h.id);
                  if (file) download(new Blob([file.text], { type: 'application/json' }), file.name);
                }}
              >
                export
              </button>{' '}
              <button
                type="button"
                className="link"
                data-testid={`taught-delete-${j}`}
                onClick={() => void run.remove(h.id)}
                aria-label={`Delete ${h.name}`}
              >
                delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="teach-import">
        Import <code>*.head.json</code>{' '}
        <input
          type="file"
          accept=".json,application/json"
          multiple
          data-testid="teach-import"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void run.importHeads(files);
          }}
        />
      </label>
      <p className="teach-note" data-testid="teach-link-size">
        The link to this view is {link.words}
        {link.heads ? `, carrying ${link.heads} taught class${link.heads === 1 ? '' : 'es'} (float16)` : ''}.
      </p>
    </div>
  );
}
