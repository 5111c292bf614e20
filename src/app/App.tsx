import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ClassList } from './components/ClassList';
import { Camera } from './components/Camera';
import { Compare } from './components/Compare';
import { Controls } from './components/Controls';
import { ImportPanel, isCheckpointName } from './components/ImportPanel';
import { ExportBar } from './components/ExportBar';
import { InputPanel } from './components/InputPanel';
import { Legend } from './components/Legend';
import { LoadProgress } from './components/LoadProgress';
import { Notices } from './components/Notices';
import { Toolbar } from './components/Toolbar';
import { Viewer } from './components/Viewer';
import { GroundTruth } from './components/GroundTruth';
import { GriddingNote } from './components/GriddingNote';
import { FaithfulnessChart } from './components/FaithfulnessChart';
import type { LensSession } from './lens-session';
import { classNames, taughtClassList } from './state';
import { useLens } from './use-lens';
// --- teach (issue 18) ---
import { linkSize } from './teach/head-link';
import { encodeView } from './url-state';
import { sharedViewOf } from './url-sync';

// The panels below the result load on their own, after the first paint: a visitor's first minute
// needs the photo and its classes, and the page's entry chunk stays small (scripts/check-bundle.ts).
const TeachPanel = lazy(() => import('./components/TeachPanel').then((m) => ({ default: m.TeachPanel })));
const FolderPanel = lazy(() => import('./components/FolderPanel').then((m) => ({ default: m.FolderPanel })));
const LabelPanel = lazy(() => import('./components/LabelPanel').then((m) => ({ default: m.LabelPanel })));

export function App({ session }: { session: LensSession }) {
  const { state, lens } = useLens(session);
  const [dragging, setDragging] = useState(false);
  // The slices most components draw from: the shown model's result, the view, its class names.
  const inference = state.results[state.modelKey]?.inference;
  const { view } = state;
  const names = classNames(state);
  const [drawingGt, setDrawingGt] = useState(false);
  // (teach) The share link's size, said in the Teach panel: taught classes make it kilobytes long.
  const link = useMemo(() => {
    const shared = sharedViewOf(state);
    return { words: linkSize(`${location.origin}${location.pathname}${encodeView(shared)}`).words, heads: shared.heads?.length ?? 0 };
  }, [state]);
  const load = state.loads[state.modelKey];
  // A dropped checkpoint is imported; anything else is treated as a photo (and refused in words if it is not one).
  const onFile = useCallback(
    (f: File) => void (isCheckpointName(f.name) ? lens.models.importWeights(f) : lens.analysis.openFile(f, f.name || 'pasted image')),
    [lens],
  );

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        setDragging(true);
      }
    };
    const leave = (e: DragEvent) => {
      if (!e.relatedTarget) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const f = e.dataTransfer?.files[0];
      if (f) onFile(f);
    };
    const paste = (e: ClipboardEvent) => {
      const f = [...(e.clipboardData?.files ?? [])][0];
      if (f) {
        e.preventDefault();
        onFile(f);
      }
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, [onFile]);

  return (
    <div className={dragging ? 'app dragging' : 'app'}>
      <header>
        <h1>DRN Lens</h1>
        <p>
          What a Dilated Residual Network sees: the top ImageNet classes (or any other), each with its 28×28 class activation map and box, checked
          against ground truth.
        </p>
      </header>
      {/* Phone order first (the photo before the settings); wider screens lift the toolbar up in styles.css. */}
      <InputPanel onFile={onFile} onSample={(file) => void lens.analysis.openSample(file)} />
      <Camera analyse={(frame) => lens.camera.analyseFrame(frame)} />
      <Notices notices={state.notices} onDismiss={(id) => lens.view.dismissNotice(id)} />
      <LoadProgress entry={state.models.find((m) => m.key === state.modelKey)} load={state.loads[state.modelKey]} />
      <main className="result">
        <div className="left">
          <Viewer
            photo={state.photo}
            inference={inference}
            view={view}
            names={names}
            running={state.running}
            drawing={drawingGt}
            onBox={(box) => lens.groundTruth.add(box)}
            onDrawn={() => setDrawingGt(false)}
          />
          {state.photo && (
            <GroundTruth inference={inference} view={view} names={names} editor={lens.groundTruth} drawing={drawingGt} setDrawing={setDrawingGt} />
          )}
          <FaithfulnessChart
            photo={state.photo}
            modelKey={state.modelKey}
            inference={inference}
            view={view}
            names={names}
            faith={state.faith}
            research={lens.research}
          />
        </div>
        <aside>
          <ClassList
            inference={inference}
            view={view}
            names={names}
            modelTitle={state.models.find((m) => m.key === state.modelKey)?.title ?? 'this model'}
            onShow={(i) => void lens.analysis.showClass(i)}
            onHide={(i) => lens.view.hideClass(i)}
            onRemove={(i) => lens.view.removeClass(i)}
            onMiss={(text) => lens.page.say('error', text)}
          />
          <Legend inference={inference} view={view} names={names} />
          <GriddingNote inference={inference} view={view} names={names} />
          {inference && (
            <Controls
              inference={inference}
              view={view}
              input={state.input}
              settings={lens.view}
              onInput={(size, flip) => void lens.analysis.setInput(size, flip)}
              onCompare={(on) => lens.research.setCompare(on)}
            />
          )}
          <ExportBar photo={state.photo} modelKey={state.modelKey} inference={inference} view={view} names={names} say={lens.page.say} />
        </aside>
      </main>
      <Toolbar
        models={state.models}
        modelKey={state.modelKey}
        backendChoice={state.backendChoice}
        backend={state.backend}
        backendBusy={state.backendBusy}
        inference={inference}
        tensors={state.memory?.numTensors}
        canRerun={state.photo !== null && !state.running}
        onModel={(key) => void lens.models.chooseModel(key)}
        onBackend={(choice) => void lens.models.chooseBackend(choice)}
        onRerun={() => void lens.analysis.rerun()}
      />
      <Compare photo={state.photo} view={view} results={state.results} modelKey={state.modelKey} namesOf={(key) => classNames(state, key)} />
      <Suspense fallback={null}>
        <TeachPanel
          teach={state.teach}
          model={load?.status === 'ready' ? load.info.title : null}
          numClasses={load?.status === 'ready' ? load.info.numClasses : 0}
          link={link}
          run={lens.teach.run}
          onName={(name) => lens.teach.run.setName(name)}
        />
        <FolderPanel
          folder={state.folder}
          view={view}
          names={classNames(state, state.folder?.modelKey)}
          backendName={state.backend?.name}
          taught={taughtClassList(state)}
          runner={lens.folder}
        />
        <LabelPanel label={state.label} classes={[...lens.teach.label.classes().values()]} run={lens.teach.label} />
      </Suspense>
      <ImportPanel
        models={state.models}
        importing={state.importing}
        onImport={(f, arch) => void lens.models.importWeights(f, arch)}
        onDelete={(key) => void lens.models.deleteImported(key)}
      />
      <footer>
        <p>
          Weights: Keras ResNet-50 (ImageNet), run as ResNet-50 and, with its last two strides turned into dilation, as DRN-A-50 (Yu, Koltun,
          Funkhouser, CVPR 2017). Sample photos and their licences: <a href={`${import.meta.env.BASE_URL}samples/LICENSES.md`}>samples/LICENSES.md</a>
          . Everything runs in this browser; no photo leaves it.
        </p>
      </footer>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the photo to analyse it
        </div>
      )}
    </div>
  );
}
