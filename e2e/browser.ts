// How every e2e test and the benchmark start Debian's Chromium (never a downloaded browser).
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Launch args; without --enable-unsafe-webgpu, requestAdapter() returns null here. */
export function chromiumArgs(webgpu: boolean): string[] {
  return webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu'] : BASE_ARGS;
}
