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
 * `categories`, `classification`, `geo`, `media` (and `auth`, `zones`); above it
 * `pipeline` and `notifications`, which react to report events, and the other
 * domains nothing else uses (`staff`: staff accounts, used by app.ts only).
 * `audit` (the staff audit trail) is used by domains on both sides and uses
 * none; `metrics` counts what it is handed and uses no domain either. `db/` and
 * `http/` are infrastructure every domain may use but which use no domain, nor
 * `audit` or `metrics` (the error handler is handed metrics' counters).
 */
/** Paths in this file are from the repository root whatever the working directory (an editor, a test in server/). */
const root = import.meta.dirname;
const below = ['categories', 'classification', 'geo', 'media', 'auth', 'zones'];
const above = ['pipeline', 'notifications', 'insight', 'privacy', 'staff'];
const domains = [...below, 'reports', ...above];
const server = (d) => `./server/src/${d}`;
const layerZones = [
  // Nothing below reports may reach up into reports or anything above it.
  ...below.map((d) => ({ target: server(d), from: [server('reports'), ...above.map(server)], message: `${d} sits below reports: hand it a port from app.ts instead.` })),
  // Reports never know who reacts to them.
  { target: server('reports'), from: above.map(server), message: 'reports is the core: pipeline and notifications subscribe to its events, never the other way round.' },
  // Shared services below every domain: they use none.
  ...['audit', 'metrics'].map((d) => ({ target: server(d), from: domains.map(server), message: `${d}/ is used by domains and uses none: hand it what it needs.` })),
  // Infrastructure uses no domain, nor the shared services above it.
  ...['db', 'http'].map((d) => ({ target: server(d), from: [...domains, 'audit', 'metrics'].map(server), message: `${d}/ is infrastructure below every domain.` })),
];

/**
 * The report repository is the only module that touches the Report model (tests go through the repository or
 * test/reportStore.ts). A zone on the model's file rather than a pattern on the import's text, so every way of
 * naming it is caught: `./reportModel`, `../reports/reportModel.js`, `import('../reports/reportModel')`.
 */
const reportModelZone = {
  target: './server',
  from: './server/src/reports/reportModel.ts',
  message: 'Read and write reports through reports/reportRepository.ts.',
};

/** Which database answered (db/dialect.ts) is db/'s business: domains and http/ run one code path on both. */
const dialectZone = {
  target: './server/src',
  from: './server/src/db/dialect.ts',
  message: 'No database-dialect branches outside db/: put what differs in a db/ helper (e.g. db/expiry.ts).',
};

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
      'import-x/resolver-next': [createTypeScriptImportResolver({ noWarnOnMultipleProjects: true, project: ['server/tsconfig.json', 'shared/tsconfig.json', 'miniprogram/tsconfig.json'].map((p) => `${root}/${p}`) })],
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
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, reportModelZone, dialectZone] }],
      // Duplicate keys are recognised in one place (db/errors.ts: isDuplicateKey, onlyDuplicateKeys, duplicateKeyIndexes).
      'no-restricted-syntax': ['error', { selector: 'Literal[value=11000]', message: 'Use db/errors.ts (isDuplicateKey, onlyDuplicateKeys, duplicateKeyIndexes) to recognise duplicate keys.' }],
    },
  },
  {
    // db/errors.ts is that one place.
    files: ['server/src/db/errors.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['server/src/reports/reportRepository.ts', 'server/test/reportStore.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, dialectZone] }] },
  },
  {
    files: ['server/src/db/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, reportModelZone] }] },
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
