import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../weights/manifest';
import { DRN_KEY, RESNET_KEY } from '../state';
import { BACKEND, modelInfo, testPage } from './fake-client.testkit';
import { isAbort } from './lens-client';
import { ModelLoader, type ModelStorage } from './model-loader';

const manifest = (id: string) => ({ id, title: `Imported ${id}` }) as ModelManifest;

function setup(storage: Partial<ModelStorage> = {}) {
  const t = testPage();
  const reruns: number[] = [];
  const loader = new ModelLoader(
    t.page,
    {
      list: async () => [manifest('mine')],
      remove: async () => {},
      importCheckpoint: async (file) => manifest(file.name),
      imagenetClasses: async () => ['a', 'b'],
      ...storage,
    },
    async () => void reruns.push(1),
    'https://lens.test/app/',
  );
  return { ...t, loader, reruns };
}

describe('model and backend', () => {
  it('starts the chosen backend, lists imported models and loads the shown model once, then warms it up', async () => {
    const t = setup();
    await t.loader.start();
    const s = t.state();
    expect(s.backend).toEqual(BACKEND);
    expect(s.backendBusy).toBe(false);
    expect(s.models.map((m) => m.key)).toContain('mine');
    expect(t.client.of('init')).toEqual([{ backend: 'wasm' }]);
    await t.loader.ensureLoaded(DRN_KEY);
    const loads = t.client.of('load');
    expect(loads).toHaveLength(1);
    // Resolved against the page, not the worker's script.
    expect(loads[0]).toMatchObject({ key: DRN_KEY, warmUp: false, source: { kind: 'url' } });
    expect((loads[0].source as { manifestUrl: string }).manifestUrl).toMatch(/^https:\/\/lens\.test\/app\//);
    await new Promise((r) => setTimeout(r, 5));
    expect(t.client.of('warmUp')).toEqual([{ key: DRN_KEY, size: 224 }]);
    expect(t.state().loads[DRN_KEY]).toMatchObject({ status: 'ready', info: { warmUpMs: 5 } });
    expect(t.reruns.length).toBeGreaterThan(0);
  });

  it('a failed load is said, leaves the model in error and is tried again next time', async () => {
    const t = setup();
    t.client.handlers.load = () => Promise.reject(new Error('HTTP 404'));
    await t.loader.start();
    const title = t.state().models.find((m) => m.key === DRN_KEY)!.title;
    expect(t.state().loads[DRN_KEY]).toEqual({ status: 'error', message: `${title} could not be loaded: HTTP 404` });
    expect(t.said('error')).toEqual([`${title} could not be loaded: HTTP 404`]);
    t.client.handlers.load = ({ key }) => ({ ...modelInfo(key), title: 'ok', numClasses: 1, classes: ['a'], bytes: 1, cachedBytes: 1 });
    await t.loader.ensureLoaded(DRN_KEY);
    expect(t.client.of('load')).toHaveLength(2);
  });

  it('a backend that does not start is said; a backend change from the worker is said and reloads on the next use', async () => {
    const t = setup();
    t.client.handlers.init = () => Promise.reject(new Error('no WebGPU adapter'));
    await t.loader.chooseBackend('webgpu');
    expect(t.state().backendBusy).toBe(false);
    expect(t.said('error')).toContain('no WebGPU adapter');
    t.client.handlers.init = () => BACKEND;
    await t.loader.chooseBackend('wasm');
    const loads = t.client.of('load').length;
    t.client.changeBackend({ ...BACKEND, name: 'cpu' }, 'The WebGPU device was lost; now running on cpu.');
    expect(t.state().backend?.name).toBe('cpu');
    expect(t.said('error').at(-1)).toBe('The WebGPU device was lost; now running on cpu.');
    await t.loader.ensureLoaded(DRN_KEY);
    expect(t.client.of('load')).toHaveLength(loads + 1);
  });

  it('switching models loads the new one and keeps the old one loaded', async () => {
    const t = setup();
    await t.loader.start();
    await t.loader.chooseModel(RESNET_KEY);
    expect(t.state().modelKey).toBe(RESNET_KEY);
    await t.loader.chooseModel(DRN_KEY);
    expect(t.client.of('load').map((l) => l.key)).toEqual([DRN_KEY, RESNET_KEY]);
  });

  it('an import is stored, selected and loaded; disposing the page aborts one in progress, silently', async () => {
    const t = setup();
    await t.loader.start();
    const file = Object.assign(new Blob([new Uint8Array(4)]), { name: 'drn_c_26.pth' });
    await t.loader.importWeights(file);
    expect(t.state().modelKey).toBe('drn_c_26.pth');
    expect(t.said('info')).toEqual(['drn_c_26.pth was imported as Imported drn_c_26.pth and stored in this browser.']);
    expect(t.client.of('unload')).toEqual([{ key: 'drn_c_26.pth' }]);
    expect(t.state().importing).toBeNull();

    let seen: AbortSignal | undefined;
    const t2 = setup({
      importCheckpoint: (_f, opts) =>
        new Promise((_, reject) => {
          seen = opts.signal;
          opts.signal?.addEventListener('abort', () => reject(opts.signal!.reason));
        }),
    });
    await t2.loader.start();
    const pending = t2.loader.importWeights(file);
    await new Promise((r) => setTimeout(r, 1));
    expect(seen?.aborted).toBe(false);
    t2.loader.dispose();
    await pending;
    expect(isAbort(seen?.reason)).toBe(true);
    expect(t2.said('error')).toEqual([]);
    expect(t2.state().importing).toBeNull();
  });

  it('deleting the shown imported model falls back to DRN-A-50', async () => {
    const t = setup();
    await t.loader.start();
    await t.loader.chooseModel('mine');
    await t.loader.deleteImported('mine');
    expect(t.state().modelKey).toBe(DRN_KEY);
    expect(t.state().models.some((m) => m.key === 'mine')).toBe(false);
  });
});
