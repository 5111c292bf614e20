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
const WEIGHTS = {
  group: ['../weights/*', '../weights'],
  message: 'src/weights builds on src/models, not the other way round (package types are in src/models/package.ts).',
};
/** src/cli as seen from a file `depth` folders below src. */
const cli = (depth) => ({
  group: [`${'../'.repeat(depth)}cli/*`, `${'../'.repeat(depth)}cli`],
  message: 'The page runs in a browser: src/app never imports the Node CLI.',
});
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/** Modules with no tfjs; the model ones among them import nothing from src/weights either. */
const TFJS_FREE = ['src/image/geometry.ts', 'src/localize/**/*.ts', 'src/draw/**/*.ts', 'src/weights/manifest.ts', 'src/weights/torch/**/*.ts'];
const TFJS_FREE_MODELS = ['src/models/class-maps.ts', 'src/models/registry.ts', 'src/models/architectures.ts'];

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
  // Tests may use whatever they check against (tfjs included).
  { files: TFJS_FREE, ignores: ['**/*.test.ts'], rules: restrict(TFJS) },
  { files: ['src/models/**/*.ts'], ignores: [...TFJS_FREE_MODELS, '**/*.test.ts'], rules: restrict(WEIGHTS) },
  { files: TFJS_FREE_MODELS, rules: restrict(TFJS, WEIGHTS) },
  // The page: no Node CLI, and no tfjs (scripts/check-bundle.ts guards its size as well).
  { files: ['src/app/*.ts', 'src/app/*.tsx'], ignores: ['**/*.test.ts'], rules: restrict(cli(1), PAGE_TFJS) },
  { files: ['src/app/components/**/*.ts', 'src/app/components/**/*.tsx'], rules: restrict(cli(2), PAGE_TFJS) },
  { files: ['src/app/orchestration/**/*.ts'], ignores: ['**/*.test.ts'], rules: restrict(cli(2), PAGE_TFJS) },
  { files: ['src/app/worker/**/*.ts'], rules: restrict(cli(2)) },
);
