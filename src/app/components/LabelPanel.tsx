import { labelFiles, type LabelFormat } from '../../localize/label-writers';
import type { LabelRun } from '../teach/label-run';
import { labelHandled, type LabelState } from '../teach/label-state';
import { download } from './download';

const FORMATS: [LabelFormat, string][] = [
  ['voc', 'Pascal VOC XML (zip, one per image)'],
  ['coco', 'COCO JSON'],
  ['yolo', 'YOLO text + classes.txt (zip)'],
];

/** Label a folder (research): the shown and taught classes' boxes over many images, as VOC, COCO or YOLO files. */
export function LabelPanel({ label, classes, run }: { label: LabelState | null; classes: string[]; run: LabelRun }) {
  const busy = label?.status === 'running' || label?.status === 'paused';
  const pick = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    input.value = '';
    if (files.length) void run.start(files);
  };
  const save = async (format: LabelFormat) => {
    if (!label) return;
    const files = labelFiles(format, label.images, label.classes);
    if (files.length === 1 && format === 'coco') return download(new Blob([files[0].text], { type: 'application/json' }), files[0].path);
    // A chunk of its own: the page's first load does not carry a zip writer it may never use.
    const { zipSync, strToU8 } = await import('fflate');
    download(
      new Blob([zipSync(Object.fromEntries(files.map((f) => [f.path, strToU8(f.text)])))], { type: 'application/zip' }),
      `labels-${format}.zip`,
    );
  };

  const boxes = label?.images.reduce((n, im) => n + im.objects.length, 0) ?? 0;
  return (
    <section className="folder label-folder" data-testid="label">
      <h2>Label a folder</h2>
      <p>
        Runs the shown and taught classes over a folder of images and writes their boxes as label files for detection tools: taught classes where
        present, shown ImageNet classes where among an image&apos;s top 5; one box each by the current rule, or one per region with the instances
        switch. Labels: {classes.length ? classes.join(', ') : 'none yet (show or teach a class)'}.
      </p>
      <div className="folder-pick">
        <label>
          Folder <input type="file" disabled={busy} data-testid="label-folder" {...{ webkitdirectory: '' }} onChange={(e) => pick(e.target)} />
        </label>
        <label>
          Files <input type="file" multiple accept="image/*" disabled={busy} data-testid="label-files" onChange={(e) => pick(e.target)} />
        </label>
      </div>
      {label && (
        <>
          <div className="folder-progress">
            <progress max={Math.max(1, label.total)} value={labelHandled(label)} data-testid="label-progress" /> {labelHandled(label)}/{label.total}{' '}
            images · {label.status} · {boxes} boxes
            {label.status === 'running' && (
              <button type="button" onClick={() => run.pause()} data-testid="label-pause">
                Pause
              </button>
            )}
            {label.status === 'paused' && (
              <button type="button" onClick={() => run.resume()} data-testid="label-resume">
                Resume
              </button>
            )}
            {busy && (
              <button type="button" onClick={() => run.cancel()} data-testid="label-cancel">
                Cancel
              </button>
            )}
          </div>
          {label.problems.length > 0 && (
            <details className="folder-problems" data-testid="label-problems">
              <summary>
                {label.problems.length} image{label.problems.length === 1 ? '' : 's'} could not be labelled (listed, left out)
              </summary>
              <ul>
                {label.problems.map((p, i) => (
                  <li key={i}>
                    <code>{p.path}</code>: {p.problem}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {label.images.length > 0 && !busy && (
            <div className="folder-pick" role="group" aria-label="Download labels">
              {FORMATS.map(([f, words]) => (
                <button key={f} type="button" onClick={() => void save(f)} data-testid={`label-save-${f}`}>
                  {words}
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
