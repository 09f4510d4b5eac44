// ESLint for the whole repository (flat config): server, shared and the mini-program.
// `npm run lint` runs it; `npm test` runs lint first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The server's domains and the direction their dependencies may point
 * (docs/ARCHITECTURE.md, "Dependencies"): `reports` is the core; below it
 * `categories`, `classification`, `geo`, `media` (and `auth`); above it
 * `pipeline` and `notifications`, which react to report events. `db/` and
 * `http/` are infrastructure every domain may use but which use no domain.
 */
const below = ['categories', 'classification', 'geo', 'media', 'auth', 'zones'];
const above = ['pipeline', 'notifications', 'insight', 'privacy'];
const server = (d) => `./server/src/${d}`;
const layerZones = [
  // Nothing below reports may reach up into reports or anything above it.
  ...below.map((d) => ({ target: server(d), from: [server('reports'), ...above.map(server)], message: `${d} sits below reports: hand it a port from app.ts instead.` })),
  // Reports never know who reacts to them.
  { target: server('reports'), from: above.map(server), message: 'reports is the core: pipeline and notifications subscribe to its events, never the other way round.' },
  // Infrastructure uses no domain.
  ...['db', 'http'].map((d) => ({ target: server(d), from: [...below, 'reports', ...above].map(server), message: `${d}/ is infrastructure below every domain.` })),
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'miniprogram/dist*/**', '.data/**', 'test-artifacts/**', 'tools/ferretdb/**', '**/*.d.ts', 'miniprogram/config/**', 'miniprogram/babel.config.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    plugins: { 'import-x': importX },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    settings: {
      // How import-x parses the files it follows (no-cycle reads every module on the path).
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ noWarnOnMultipleProjects: true, project: ['server/tsconfig.json', 'shared/tsconfig.json', 'miniprogram/tsconfig.json'] })],
    },
    rules: {
      // Dependencies point one way: no import cycles, anywhere.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // Chinese UI text uses the ideographic space (U+3000) on purpose; code and strings are still checked.
      'no-irregular-whitespace': ['error', { skipJSXText: true }],
      // The codebase uses `any` deliberately in a few typed-boundary places (test response bodies,
      // mongoose generics); each is local and reviewed, so the rule stays a warning-free off.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` marks a value destructured away on purpose (e.g. `{ connector: _kind, ...rest }`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      // The report repository is the only module that touches the Report model (tests go through
      // the repository or test/reportStore.ts).
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: 'reportModel$', message: 'Read and write reports through reports/reportRepository.ts.' }] },
      ],
    },
  },
  {
    files: ['server/src/reports/reportRepository.ts', 'server/test/reportStore.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['miniprogram/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser, wx: 'readonly' } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
