import { useCallback, useMemo, useState, type DragEvent } from 'react';
import type { BoxRule } from '../../localize/boxes';
import { figuresAt, folderRows, rowsCsv, type FolderReport } from '../../localize/folder-report';
import type { FolderState, FolderTaught } from '../folder-state';
import type { FolderFile, FolderRunner } from '../orchestration/folder-run';
import type { View } from '../state';
import { LineChart } from './LineChart';
import { download } from './download';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Files of a dropped folder, with their paths inside it (webkitGetAsEntry). */
async function droppedFiles(e: DragEvent): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ path: `${prefix}${entry.name}`, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry()).filter((x): x is FileSystemEntry => x !== null);
  for (const entry of entries) await walk(entry, '');
  return out;
}

/**
 * The box rules a run's figures mean something for: the DRN rule keeps the cells where a class wins
 * the arg-max over the model's own classes, which a taught class is never part of.
 */
const ruleList = (f: FolderState): BoxRule[] => (f.taught ? ['cam'] : ['cam', 'drn']);

const SweepChart = ({ thresholds, top1, known, at, label }: { thresholds: number[]; top1: number[]; known: number[]; at: number; label: string }) => (
  <figure>
    <LineChart
      width={200}
      height={90}
      pad={18}
      xs={thresholds}
      xRange={{ min: thresholds[0], max: thresholds[thresholds.length - 1] }}
      lines={[
        { key: 'known', color: '#1f77b4', values: known },
        { key: 'top1', color: '#ff7f0e', values: top1 },
      ]}
      marker={{ at, className: 'marker' }}
      label={label}
    />
    <figcaption>
      {label}: <span style={{ color: '#1f77b4' }}>GT-known Loc</span>, <span style={{ color: '#ff7f0e' }}>Top-1 Loc</span>
    </figcaption>
  </figure>
);

/** Research mode: evaluate a folder of images with ground truth in the worker, as `eval` does. */
export interface FolderPanelProps {
  folder: FolderState | null;
  view: View;
  /** Class names of the model the folder ran on. */
  names: readonly string[];
  backendName: string | undefined;
  /** (teach) The shown model's taught classes, which a run can evaluate instead of the images' own classes. */
  taught: readonly { index: number; name: string }[];
  runner: Pick<FolderRunner, 'start' | 'pause' | 'resume' | 'cancel' | 'open'>;
}

export function FolderPanel({ folder: f, view, names, backendName, taught, runner }: FolderPanelProps) {
  const [sort, setSort] = useState<'index' | 'iou-asc' | 'iou-desc'>('index');
  // (teach) What the next run evaluates: 'own' (each image's class) or a taught class's index.
  const [target, setTarget] = useState<'own' | number>('own');
  const [absent, setAbsent] = useState(false);
  const chosen = target === 'own' ? undefined : taught.find((t) => t.index === target);
  const runTaught: FolderTaught | null = chosen ? { index: chosen.index, name: chosen.name, absent } : null;
  const [wrongOnly, setWrongOnly] = useState(false);
  // A row is wrong when its class is missed; on images that show no such object, when it is found.
  const absentRun = f?.taught?.absent ?? false;
  const wrong = useCallback((r: { correct: boolean }) => (absentRun ? r.correct : !r.correct), [absentRun]);
  const [missedOnly, setMissedOnly] = useState(false);
  const { rule } = view;
  const threshold = view.thresholds[rule];
  // A taught class's "top-1" is itself where present, -1 where not (as `eval --head` counts it).
  const nameOf = (c: number) => (c < 0 ? 'absent' : (names[c] ?? `class ${c}`));
  const rows = useMemo(() => (f ? folderRows(f.samples, rule, threshold) : []), [f, rule, threshold]);
  const shown = useMemo(() => {
    const r = rows.filter((x) => (!wrongOnly || wrong(x)) && (!missedOnly || !x.found));
    if (sort !== 'index') r.sort((a, b) => (sort === 'iou-asc' ? a.iou - b.iou : b.iou - a.iou) || a.index - b.index);
    return r;
  }, [rows, sort, wrongOnly, missedOnly, wrong]);
  const current = useMemo(
    () =>
      f
        ? ruleList(f).map((r) =>
            figuresAt(
              f.samples.map((s) => s.sample),
              r,
              view.thresholds[r],
            ),
          )
        : [],
    [f, view.thresholds],
  );
  const pick = (list: FileList | null) => {
    if (list?.length)
      void runner.start(
        [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file })),
        runTaught,
      );
  };
  const report = (): FolderReport | null =>
    f &&
    f.figures && {
      model: f.modelKey,
      format: f.format,
      images: f.samples.length,
      seconds: Number(f.seconds.toFixed(1)),
      ...f.figures,
      // The fields `eval --head --json` adds (the page has no head file to name).
      ...(f.taught && { head: { name: f.taught.name, absent: f.taught.absent }, detectionRate: f.figures.top1Cls }),
      at: { rule, threshold },
      perImage: rows.map((r) => ({ ...r, gtName: nameOf(r.gtClass), topName: nameOf(r.topClass) })),
      problems: f.problems,
    };
  const busy = f?.status === 'running' || f?.status === 'paused';
  // Images named by class have no boxes: only Top-1 Cls means anything for them; nor do boxes on
  // images taken to show no such object (only the false-positive rate does).
  const boxes = f?.format !== 'class-names' && !f?.taught?.absent;
  return (
    <section
      className="folder"
      data-testid="folder"
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        if (!busy) void droppedFiles(e).then((files) => (files.length ? runner.start(files, runTaught) : undefined));
      }}
    >
      <h2>Evaluate a folder</h2>
      <p>
        Drop a folder here, or pick one or many files: images with the dev set&apos;s <code>annotations.json</code>, or ImageNet&apos;s VOC XML files
        with <code>synsets.txt</code>, or images named by class (<code>tabby_01.jpg</code>, <code>espresso/3.png</code>: classification only, no
        boxes). Each image runs once through the current model; the figures are computed as <code>eval --json</code> does.
      </p>
      {taught.length > 0 && (
        <div className="folder-target">
          <label>
            Evaluate{' '}
            <select
              value={String(target)}
              disabled={busy}
              data-testid="folder-target"
              onChange={(e) => setTarget(e.target.value === 'own' ? 'own' : Number(e.target.value))}
            >
              <option value="own">each image&apos;s own class</option>
              {taught.map((t) => (
                <option key={t.index} value={t.index}>
                  taught: {t.name}
                </option>
              ))}
            </select>
          </label>
          {chosen && (
            <label>
              <input type="checkbox" checked={absent} disabled={busy} onChange={(e) => setAbsent(e.target.checked)} data-testid="folder-absent" />{' '}
              these images show no {chosen.name} (measure false positives)
            </label>
          )}
          {chosen && (
            <p className="hint">
              {absent
                ? `Every image is taken to show no ${chosen.name}: the share where it is found present is its false-positive rate.`
                : `Every image is taken to show ${chosen.name}, in its annotated boxes (the images' own classes are ignored), as eval --head does.`}
            </p>
          )}
        </div>
      )}
      <div className="folder-pick">
        <label>
          Folder <input type="file" disabled={busy} data-testid="folder-input" {...{ webkitdirectory: '' }} onChange={(e) => pick(e.target.files)} />
        </label>
        <label>
          Files <input type="file" multiple disabled={busy} data-testid="folder-files" onChange={(e) => pick(e.target.files)} />
        </label>
      </div>
      {f && (
        <>
          <div className="folder-progress">
            <progress max={Math.max(1, f.total)} value={f.handled} data-testid="folder-progress" /> {f.handled}/{f.total} images · {f.status}
            {f.status === 'running' && (
              <button type="button" onClick={() => runner.pause()} data-testid="folder-pause">
                Pause
              </button>
            )}
            {f.status === 'paused' && (
              <button type="button" onClick={() => runner.resume()} data-testid="folder-resume">
                Resume
              </button>
            )}
            {busy && (
              <button type="button" onClick={() => runner.cancel()} data-testid="folder-cancel">
                Cancel
              </button>
            )}
          </div>
          {f.problems.length > 0 && (
            <details className="folder-problems" data-testid="folder-problems">
              <summary>
                {f.problems.length} input problem{f.problems.length === 1 ? '' : 's'} (left out, listed)
              </summary>
              <ul>
                {f.problems.map((p, i) => (
                  <li key={i}>
                    <code>{p.path}</code>: {p.problem}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {f.samples.length === 0 && f.status !== 'running' && (
            <p className="folder-nothing" data-testid="folder-nothing">
              Nothing was evaluated:{' '}
              {f.total === 0 ? 'no image with ground truth was found' : `none of the ${f.total} images with ground truth could be run`}
              {f.problems.length ? ' (the problems are listed above)' : ''}, so there are no figures.
            </p>
          )}
          {f.figures && (
            <div className="folder-figures" data-testid="folder-figures">
              <table>
                <tbody>
                  {f.taught ? (
                    <tr>
                      <th>{f.taught.absent ? 'False positives' : 'Detected'}</th>
                      <td data-testid="folder-detection">
                        {f.taught.absent
                          ? `${f.taught.name} present on ${pct(f.figures.top1Cls)} of these images, which show no such object`
                          : `${f.taught.name} present on ${pct(f.figures.top1Cls)} of the images`}
                      </td>
                    </tr>
                  ) : (
                    <tr>
                      <th>Top-1 Cls</th>
                      <td data-testid="folder-top1cls">{pct(f.figures.top1Cls)}</td>
                    </tr>
                  )}
                  {!boxes && (
                    <tr>
                      <th>Localization</th>
                      <td data-testid="folder-no-boxes">
                        {f.taught?.absent ? 'not measured: these images show no such object' : 'not measured: images named by class carry no boxes'}
                      </td>
                    </tr>
                  )}
                  {boxes &&
                    current.map((c) => (
                      <tr key={c.rule}>
                        <th>
                          {c.rule} at {c.rule === 'cam' ? 'tau' : 't'} {c.threshold} (yours)
                        </th>
                        <td>
                          Top-1 Loc {pct(c.top1Loc)} · GT-known Loc {pct(c.gtKnownLoc)}
                        </td>
                      </tr>
                    ))}
                  {boxes &&
                    f.figures.rules
                      .filter((r) => ruleList(f).includes(r.rule))
                      .map((r) => (
                        <tr key={`best-${r.rule}`}>
                          <th>
                            {r.rule}, best {r.rule === 'cam' ? 'tau' : 't'} {r.best.threshold}
                          </th>
                          <td>
                            Top-1 Loc {pct(r.best.top1Loc)} · GT-known Loc {pct(r.best.gtKnownLoc)}
                          </td>
                        </tr>
                      ))}
                  {boxes && f.taught && (
                    <tr>
                      <th>drn rule</th>
                      <td>
                        not measured: it keeps the cells where a class wins over the model&apos;s own classes, and a taught class is not one of them
                      </td>
                    </tr>
                  )}
                  {boxes && (
                    <tr>
                      <th>MaxBoxAccV2</th>
                      <td data-testid="folder-maxboxacc">
                        {pct(f.figures.maxBoxAccV2.value)} (
                        {f.figures.maxBoxAccV2.perDelta.map((d) => `IoU ${d.delta}: ${pct(d.boxAcc)}`).join(' / ')})
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
              <div className="folder-charts">
                {boxes &&
                  f.figures.rules
                    .filter((r) => ruleList(f).includes(r.rule))
                    .map((r) => (
                      <SweepChart
                        key={r.rule}
                        label={`${r.rule} rule vs ${r.rule === 'cam' ? 'tau' : 't'}`}
                        thresholds={r.sweep.thresholds}
                        top1={r.sweep.top1Loc}
                        known={r.sweep.gtKnownLoc}
                        at={view.thresholds[r.rule]}
                      />
                    ))}
              </div>
              <p className="folder-meta">
                {f.samples.length} images in {f.seconds.toFixed(1)} s on {backendName ?? '?'} ({f.modelKey}).{' '}
                <button
                  type="button"
                  data-testid="folder-export-json"
                  onClick={() => {
                    const r = report();
                    if (r) download(new Blob([JSON.stringify(r, null, 1)], { type: 'application/json' }), `folder-${f.modelKey}.json`);
                  }}
                >
                  Export JSON
                </button>{' '}
                <button
                  type="button"
                  data-testid="folder-export-csv"
                  onClick={() => {
                    const r = report();
                    if (r) download(new Blob([rowsCsv(r.perImage)], { type: 'text/csv' }), `folder-${f.modelKey}.csv`);
                  }}
                >
                  Export CSV
                </button>
              </p>
            </div>
          )}
          {rows.length > 0 && (
            <>
              <div className="folder-filters">
                <label>
                  <input type="checkbox" checked={wrongOnly} onChange={(e) => setWrongOnly(e.target.checked)} data-testid="folder-wrong" />{' '}
                  {f.taught ? (f.taught.absent ? 'found present (false positives)' : 'found absent') : 'wrong class'}
                </label>
                {boxes && (
                  <label>
                    <input type="checkbox" checked={missedOnly} onChange={(e) => setMissedOnly(e.target.checked)} data-testid="folder-missed" />{' '}
                    missed box (IoU &lt; 0.5)
                  </label>
                )}
              </div>
              <table className="folder-table" data-testid="folder-table">
                <thead>
                  <tr>
                    <th>
                      <button type="button" onClick={() => setSort('index')}>
                        #
                      </button>
                    </th>
                    <th>image</th>
                    <th>ground truth</th>
                    <th>{f.taught ? 'found' : 'top-1'}</th>
                    <th>
                      <button type="button" data-testid="folder-sort-iou" onClick={() => setSort(sort === 'iou-asc' ? 'iou-desc' : 'iou-asc')}>
                        IoU ({rule} {threshold}) {sort === 'iou-asc' ? '↑' : sort === 'iou-desc' ? '↓' : ''}
                      </button>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.index} className={wrong(r) ? 'wrong' : undefined} onClick={() => void runner.open(r.path)} data-testid="folder-row">
                      <td>{r.index + 1}</td>
                      <td>{r.path.split(/[\\/]/).pop()}</td>
                      <td>{nameOf(r.gtClass)}</td>
                      <td>{nameOf(r.topClass)}</td>
                      <td data-testid="folder-iou" className={r.found || !boxes ? undefined : 'missed'}>
                        {boxes ? r.iou.toFixed(3) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
