// The project's ESLint configuration lives in its lint workspace (see tools/lint/eslint.config.js).
export { default } from './tools/lint/eslint.config.js';
