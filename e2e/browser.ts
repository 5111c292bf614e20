// How every e2e test and the benchmark find Chromium: CHROMIUM_PATH, else the system's
// /usr/bin/chromium (Debian, as CI runs), else Playwright's own build (`npx playwright install
// chromium`, for macOS and Windows), which an undefined executablePath selects.
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM: string | undefined = process.env.CHROMIUM_PATH || (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch args; without --enable-unsafe-webgpu, requestAdapter() returns null here. */
export function chromiumArgs(webgpu: boolean): string[] {
  return webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu'] : BASE_ARGS;
}
