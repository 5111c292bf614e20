// End-to-end tests of the built app in Chromium (browser.ts says which one). One worker: the
// machine has two cores and the model wants both.
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM, chromiumArgs } from './browser';

const PORT = Number(process.env.E2E_PORT ?? 4319);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  outputDir: '../test-results',
  use: {
    baseURL: `http://localhost:${PORT}/`,
    launchOptions: { executablePath: CHROMIUM, args: chromiumArgs(true) },
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
  },
  webServer: {
    // The production build, served with the same headers a static host must send.
    command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
  },
});
