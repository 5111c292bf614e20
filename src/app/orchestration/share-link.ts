// Share link: a view brought back from the URL (a shared link when the page opens, or Back and
// Forward later), and the view a link keeps waiting for the user's own photo.
import type { View } from '../state';
import type { Decoded } from '../url-state';
import { viewOf } from '../url-sync';
import type { Analysis } from './analysis';
import type { ModelLoader } from './model-loader';
import type { Page } from './page';
import type { Teach } from './teach';

export class ShareLink {
  /** A shared link's view waiting for the user's own photo, which no link can carry. */
  private pending: Partial<View> | null = null;

  /**
   * `rewriteUrl` replaces the URL's view (no new history entry) with the page's, or with the view
   * waiting for the user's photo: a link with fields that were refused does not keep them in the
   * address bar (url-sync.ts).
   */
  constructor(
    private readonly page: Page,
    private readonly loader: Pick<ModelLoader, 'chooseBackend' | 'chooseModel'>,
    private readonly analysis: Pick<Analysis, 'openSample' | 'fetchMissingMaps'>,
    private readonly rewriteUrl: (pending?: Partial<View>) => void,
    private readonly taught: Pick<Teach, 'adoptFromLink'> | null = null,
  ) {}

  /** The waiting view, handed over once (to the next photo the user opens). */
  takePending(): Partial<View> | null {
    const v = this.pending;
    this.pending = null;
    return v;
  }

  /**
   * Applies a decoded link: `initial` when the page opens (backend and model are already chosen),
   * else Back/Forward. View changes alone never run the network.
   */
  async applyLink(d: Decoded, initial = false): Promise<void> {
    const { page } = this;
    for (const p of d.problems) page.say('error', `Shared view: ${p}.`);
    let refused = d.problems.length > 0;
    const v = d.view;
    if (!initial && v.backend && v.backend !== page.state().backendChoice) await this.loader.chooseBackend(v.backend);
    if (!initial && v.model && v.model !== page.state().modelKey) await this.loader.chooseModel(v.model);
    const view = viewOf(v, page.state().view);
    const load = page.state().loads[page.state().modelKey];
    // The link's taught classes are adopted, and its indices for them renumbered to this page's.
    if (v.heads?.length && load?.status === 'ready' && this.taught) {
      view.shown = await this.taught.adoptFromLink(v.heads, view.shown ?? [], load.info.numClasses);
    }
    if (view.shown && load?.status === 'ready') {
      const n = load.info.numClasses + (page.state().teach.modelKey === page.state().modelKey ? page.state().teach.heads.length : 0);
      const bad = view.shown.filter((c) => c >= n);
      if (bad.length) {
        page.say('error', `Shared view: class ${bad.join(', ')} does not exist in this model (0-${n - 1}); left out.`);
        refused = true;
      }
      view.shown = view.shown.filter((c) => c < n);
    }
    const photo = page.state().photo;
    if (v.photo && v.photo !== 'own' && v.photo !== photo?.sample) {
      await this.analysis.openSample(v.photo, view);
    } else if (v.photo === 'own' && (!photo || photo.sample)) {
      // Kept for the user's photo; the URL keeps it too (without any refused field) until then.
      this.pending = view;
      if (refused) this.rewriteUrl(view);
      page.say(
        'info',
        "This view was shared on a photo of the sender's own, which a link cannot carry: drop that photo here and the same classes, boxes and settings are applied to it.",
      );
      return;
    } else {
      page.dispatch({ type: 'applyView', view });
      await this.analysis.fetchMissingMaps();
    }
    if (refused) this.rewriteUrl();
  }
}
