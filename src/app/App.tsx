import { useCallback, useEffect, useMemo, useState } from 'react';
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
import { FolderPanel } from './components/FolderPanel';
import { useLens } from './use-lens';
// --- teach (issue 18) ---
import { TeachPanel } from './components/TeachPanel';
import { LabelPanel } from './components/LabelPanel';
import { linkSize } from './teach/head-link';
import { encodeView } from './url-state';
import { sharedViewOf } from './url-sync';

export function App() {
  const { state, controller } = useLens();
  const [dragging, setDragging] = useState(false);
  const [drawingGt, setDrawingGt] = useState(false);
  // (teach) The share link's size, said in the Teach panel: taught classes make it kilobytes long.
  const link = useMemo(() => {
    const shared = sharedViewOf(state);
    return { words: linkSize(`${location.origin}${location.pathname}${encodeView(shared)}`).words, heads: shared.heads?.length ?? 0 };
  }, [state]);
  const load = state.loads[state.modelKey];
  // A dropped checkpoint is imported; anything else is treated as a photo (and refused in words if it is not one).
  const onFile = useCallback(
    (f: File) => void (isCheckpointName(f.name) ? controller.importWeights(f) : controller.openFile(f, f.name || 'pasted image')),
    [controller],
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
      <Toolbar state={state} controller={controller} />
      <LoadProgress state={state} />
      <Notices state={state} controller={controller} />
      <InputPanel controller={controller} onFile={onFile} />
      <Camera analyse={(frame) => controller.analyseFrame(frame)} />
      <main className="result">
        <div className="left">
          <Viewer state={state} controller={controller} drawing={drawingGt} onDrawn={() => setDrawingGt(false)} />
          <GroundTruth state={state} controller={controller} drawing={drawingGt} setDrawing={setDrawingGt} />
          <FaithfulnessChart state={state} controller={controller} />
        </div>
        <aside>
          <ClassList state={state} controller={controller} />
          <Legend state={state} />
          <GriddingNote state={state} />
          {state.results[state.modelKey] && <Controls state={state} controller={controller} />}
          <ExportBar state={state} controller={controller} />
        </aside>
      </main>
      <Compare state={state} />
      <TeachPanel
        teach={state.teach}
        model={load?.status === 'ready' ? load.info.title : null}
        numClasses={load?.status === 'ready' ? load.info.numClasses : 0}
        link={link}
        run={controller.teach}
        onName={(name) => controller.dispatch({ type: 'teach', action: { type: 'name', name } })}
      />
      <FolderPanel state={state} controller={controller} />
      <LabelPanel label={state.label} classes={[...controller.label.classes().values()]} run={controller.label} />
      <ImportPanel state={state} controller={controller} />
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
