// The page's orchestration assembled: one module per concern, each given the shared Page (client,
// dispatch, state, notices) and the few others it calls. Components receive these modules (or
// single methods of them), never the store's dispatch.
// Taught classes (teach.ts) reach the others through two narrow seams: the runs (analysis, camera)
// ask for their maps, and the share link adopts a link's taught classes.
import { Analysis, type PhotoSource } from './analysis';
import { CameraRun, type StillOf } from './camera-run';
import { FolderRunner } from './folder-run';
import { GroundTruthEditor } from './ground-truth';
import type { LensClient } from './lens-client';
import { ModelLoader, type ModelStorage } from './model-loader';
import { createPage, type Page } from './page';
import { Research } from './research';
import { ShareLink } from './share-link';
import { Teach, type TeachSource } from './teach';
import { ViewSettings } from './view-settings';
import type { Action, State, View } from '../state';

/** Everything the orchestration needs from the browser, so that Node tests can pass fakes. */
export interface LensDeps {
  client: LensClient;
  storage: ModelStorage;
  photos: PhotoSource;
  stillOf: StillOf;
  teach: TeachSource;
  /** Rewrites the URL's view to the page's (or to a view waiting for the user's photo), in place (url-sync.ts). */
  rewriteUrl(pending?: Partial<View>): void;
}

export interface Lens {
  readonly page: Page;
  readonly models: ModelLoader;
  readonly analysis: Analysis;
  readonly link: ShareLink;
  readonly camera: CameraRun;
  readonly research: Research;
  readonly folder: FolderRunner;
  readonly groundTruth: GroundTruthEditor;
  readonly view: ViewSettings;
  readonly teach: Teach;
  /** Lists imported models and starts the chosen backend and model. */
  start(): Promise<void>;
  /** The page is going: an import stops, the worker ends. */
  dispose(): void;
}

export function createLens(deps: LensDeps, dispatch: (a: Action) => void, state: () => State): Lens {
  const page = createPage(deps.client, dispatch, state);
  // The loader reruns the analysis and the analysis takes the link's waiting view: both only in
  // calls made after all three exist.
  // The stored taught classes are read as soon as a model is in, with a photo or not.
  const models = new ModelLoader(page, deps.storage, (opts) => teach.ensureHeads().then(() => analysis.rerun(opts)), deps.photos.baseUrl);
  const teach: Teach = new Teach(page, deps.teach, () => analysis.rerun());
  const analysis = new Analysis(page, models, deps.photos, () => link.takePending(), teach);
  const link = new ShareLink(page, models, analysis, deps.rewriteUrl, teach);
  return {
    page,
    models,
    analysis,
    link,
    camera: new CameraRun(page, models, deps.stillOf, teach),
    research: new Research(page, () => analysis.rerun()),
    folder: new FolderRunner(page, models, deps.photos, (file, name, opts) => analysis.openFile(file, name, opts)),
    groundTruth: new GroundTruthEditor(page),
    view: new ViewSettings(page),
    teach,
    start: () => models.start(),
    dispose() {
      models.dispose();
      deps.client.terminate();
    },
  };
}
