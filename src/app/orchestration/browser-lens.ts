// The orchestration bound to the browser: the inference Worker, IndexedDB, the import worker,
// the canvas decoder and the page's URL. The only module here that touches them.
import { deleteModel, listModels } from '../../weights/browser-store';
import { importCheckpointInWorker } from '../../weights/import-client';
import { stillOf } from '../camera';
import { decodePhoto } from '../photo';
import type { Action, State } from '../state';
import { rewriteHash } from '../url-sync';
import { teachBackground } from '../teach/background-fetch';
import { browserHeadStore } from '../teach/head-store';
import { decodeExample, frameThumb } from '../teach/thumbs';
import { WorkerLensClient } from '../worker/client';
import { createLens, type Lens } from './lens';

export function createBrowserLens(dispatch: (a: Action) => void, state: () => State): Lens {
  return createLens(
    {
      client: new WorkerLensClient(),
      storage: {
        list: listModels,
        remove: deleteModel,
        importCheckpoint: importCheckpointInWorker,
        // A chunk of its own: the page's first load does not carry 1000 names it may never use.
        imagenetClasses: async () => [...(await import('../../models/imagenet-classes')).IMAGENET_CLASSES],
      },
      photos: { decode: decodePhoto, fetch: (url) => fetch(url), baseUrl: document.baseURI },
      stillOf,
      teach: {
        store: browserHeadStore,
        decodeExample,
        thumbOf: frameThumb,
        background: teachBackground,
        decodeForLabel: async (file, name) => {
          const p = await decodePhoto(file, name);
          p.bitmap.close();
          return { image: { width: p.pixels.width, height: p.pixels.height, data: p.pixels.data }, width: p.width, height: p.height };
        },
      },
      rewriteUrl: (pending) => rewriteHash(state(), pending),
    },
    dispatch,
    state,
  );
}
