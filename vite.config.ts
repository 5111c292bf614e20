/// <reference types="vitest/config" />
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Connect, type Plugin } from 'vite';

const MODELS_DIR = fileURLToPath(new URL('./models', import.meta.url));

/**
 * SharedArrayBuffer (threaded wasm) needs a cross-origin isolated page; a static host must send
 * these two headers with every response (see README).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The top-level models/ folder (made by `npm run setup-models`, not in git) served at /models/
 * by the dev and preview servers and copied into the build. A missing file is a real 404, never
 * the SPA's index.html, so the page can say which model file is missing.
 */
function modelsFolder(): Plugin {
  const serve: Connect.NextHandleFunction = (req, res: ServerResponse, next) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/models/')) return next();
    const file = normalize(join(MODELS_DIR, decodeURIComponent(url.pathname.slice('/models/'.length))));
    const inside = file.startsWith(resolve(MODELS_DIR) + sep);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end(`not found: ${url.pathname} (run npm run setup-models)`);
      return;
    }
    res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', 'no-cache');
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    createReadStream(file).pipe(res);
  };
  let outDir = 'dist';
  let building = false;
  return {
    name: 'drn-lens-models',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      // Vitest resolves this config too (with a placeholder outDir): copy only in a real build.
      building = config.command === 'build' && !process.env.VITEST;
    },
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    closeBundle() {
      if (building && existsSync(MODELS_DIR)) cpSync(MODELS_DIR, join(outDir, 'models'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [react(), modelsFolder()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its threads from the text of its Emscripten factory
    // (Function.toString); compression rewrites `typeof _scriptDir < "u" && _scriptDir` to a bare
    // reference, which throws in the thread ("e is not defined") and hangs setBackend('wasm').
    rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
  },
  build: { chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Every core: most test files wait on a CLI child process or one-threaded wasm, so two files
    // at a time on the project's two cores took 5.3 min where one at a time took 8.1 (Vitest's
    // default leaves a core free).
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
