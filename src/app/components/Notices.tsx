import type { Controller } from '../controller';
import type { State } from '../state';

export function Notices({ state, controller }: { state: State; controller: Controller }) {
  if (state.notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Messages">
      {state.notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <span>{n.text}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => controller.dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
