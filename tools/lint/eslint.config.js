// ESLint for DRN Lens (flat config; the root eslint.config.js re-exports it, so that the plugins
// resolve from this folder, which pins the TypeScript that typescript-eslint parses with). Beyond
// the recommended rules it enforces the layers the tree describes: which modules stay free of
// tfjs, and which folders may import which.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TFJS = {
  group: ['@tensorflow/*'],
  message: 'This module is pure math or data, shared by the page, the CLI and the workers: keep tfjs out of it.',
};
const PAGE_TFJS = {
  group: ['@tensorflow/*'],
  message: 'tfjs runs in the workers (src/app/worker, src/weights/import-worker.ts), never in the page.',
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/**
 * The layers of src, lowest first: what each folder may NOT import (a folder builds only on those
 * below it; the page and the CLI sit on top, side by side). Tests may import anything.
 */
const LAYERS = {
  image: ['models', 'weights', 'localize', 'draw', 'teach', 'app', 'cli'],
  models: ['weights', 'localize', 'draw', 'teach', 'app', 'cli'],
  weights: ['localize', 'draw', 'teach', 'app', 'cli'],
  localize: ['weights', 'draw', 'teach', 'app', 'cli'],
  draw: ['weights', 'teach', 'app', 'cli'],
  teach: ['draw', 'app', 'cli'],
  app: ['cli'],
  cli: ['app'],
};
/** The layer rule for a file `depth` folders below src, in folder `folder`. */
const layer = (folder, depth) => ({
  group: LAYERS[folder].flatMap((y) => [`${'../'.repeat(depth)}${y}`, `${'../'.repeat(depth)}${y}/*`]),
  message: `src/${folder} builds only on the layers below it: it may not import ${LAYERS[folder].map((y) => `src/${y}`).join(', ')} (tools/lint/eslint.config.js, LAYERS).`,
});
const TESTKIT = { group: ['*.testkit', '**/*.testkit'], message: 'Test helpers (*.testkit.ts) are for tests only.' };
/** The CLI's commands share code through modules of their own (args, models, dev-set, ...), never through each other. */
const COMMANDS = ['bench', 'compare', 'convert', 'eval', 'fetch-models', 'gridding', 'label', 'locate', 'teach'];
const COMMAND = {
  group: COMMANDS.map((c) => `./${c}`),
  message: 'A CLI command may not import another command: move what they share into a module of its own.',
};

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.testkit.ts'];
const code = (dir) => [`${dir}/*.ts`, `${dir}/*.tsx`];
/** Files with no tfjs, beyond the layer rule of their folder (the model ones among them also import nothing from src/weights, as all of src/models). */
const TFJS_FREE = {
  image: ['src/image/geometry.ts'],
  localize: ['src/localize/*.ts'],
  draw: ['src/draw/*.ts'],
  models: ['src/models/class-maps.ts', 'src/models/registry.ts', 'src/models/architectures.ts'],
  weights: ['src/weights/manifest.ts'],
  teach: ['src/teach/*.ts'],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.device/',
      '.gl/',
      'models/',
      'test-results/',
      'playwright-report/',
      '.cache/',
      '**/node_modules/',
      'src/weights/torch/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders in destructuring and signatures).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Plain JavaScript here is Node tooling (configs, scripts).
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  // Every folder of src: its layer, and no test helpers. Later entries add to a file's patterns by
  // repeating these (ESLint keeps only the last setting of a rule).
  ...Object.keys(LAYERS).flatMap((f) => [
    { files: code(`src/${f}`), ignores: TESTS, rules: restrict(layer(f, 1), TESTKIT) },
    { files: code(`src/${f}/*`), ignores: TESTS, rules: restrict(layer(f, 2), TESTKIT) },
  ]),
  ...Object.entries(TFJS_FREE).map(([f, files]) => ({ files, ignores: TESTS, rules: restrict(layer(f, 1), TESTKIT, TFJS) })),
  { files: ['src/weights/torch/*.ts'], ignores: TESTS, rules: restrict(layer('weights', 2), TESTKIT, TFJS) },
  // The page: no tfjs (scripts/check-bundle.ts guards its size as well); the workers may.
  {
    files: [...code('src/app'), ...code('src/app/components')],
    ignores: TESTS,
    rules: restrict(layer('app', 1), layer('app', 2), TESTKIT, PAGE_TFJS),
  },
  { files: COMMANDS.map((c) => `src/cli/${c}.ts`), rules: restrict(layer('cli', 1), TESTKIT, COMMAND) },
);
