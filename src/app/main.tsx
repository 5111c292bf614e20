import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createSession } from './lens-session';
import { createBrowserLens } from './orchestration/browser-lens';
import { syncUrl } from './url-sync';
import './styles.css';

// Made once, before React renders: the inference worker is never created during a render, and
// StrictMode's double-mounted effects attach the same session twice (lens-session.ts).
const session = createSession({ makeLens: createBrowserLens, location, syncUrl });
// In development a hot reload of this module makes a new session: the old one's worker goes.
import.meta.hot?.dispose(() => session.lens.dispose());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
