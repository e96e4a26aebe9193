// Lint: type-aware checks (no-floating-promises) and the architecture's import boundaries.
// The layout is the architecture (README, Layout): each top-level folder is one element, and the
// policies below say which element may import which. A violation fails `npm test`.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const FOLDERS = [
  'workflows',
  'activities',
  'trading',
  'brokers',
  'bots',
  'backtest',
  'db',
  'worker',
  'api',
  'cli',
  'infra',
  'test',
  'bench',
  'scripts',
];
const TESTING_PACKAGE = {
  name: '@temporalio/testing',
  message: 'only test/ and infra/temporal-server* use @temporalio/testing',
};
const DEV_SERVER_LAUNCHER = {
  regex: 'temporal-server',
  message: 'the dev-server launcher (and @temporalio/testing behind it) is for npm start and tests only',
};
const ours = (...types) => ({ to: { element: { types: { anyOf: types } } } });
const notOurs = (...types) => ({ to: { element: { types: { noneOf: types } } } });

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': FOLDERS.map((folder) => ({ type: folder, pattern: `${folder}/**`, partialMatch: false })),
      'boundaries/include': ['**/*.ts'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              // Workflow code is replayed: it may only sequence activities (whose types it imports).
              from: { element: { type: 'workflows' } },
              disallow: { ...notOurs('workflows', 'trading'), dependency: { kind: 'value' } },
              message: 'workflows/ imports only types, trading/ and its own helpers (deterministic code)',
            },
            {
              from: { element: { type: 'trading' } },
              disallow: notOurs('trading'),
              message: 'trading/ is the pure domain: it imports nothing of ours',
            },
            {
              // A backtest is pure computation over bars: the live engine's code, none of its I/O.
              from: { element: { type: 'backtest' } },
              disallow: notOurs('backtest', 'trading', 'brokers'),
              message: 'backtest/ imports only trading/, brokers/ (the paper fill and stop model) and itself',
            },
            {
              from: { element: { types: { anyOf: ['api', 'cli'] } } },
              disallow: ours('worker', 'activities'),
              message: 'api/ and cli/ never import worker/ or activities/',
            },
            {
              from: { element: { types: { noneOf: ['test'] } } },
              disallow: ours('test', 'bench'),
              message: 'production code never imports test/ or bench/',
            },
          ],
        },
      ],
    },
  },
  {
    // The test server's package and the dev-server launcher stay out of production code.
    files: ['**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [TESTING_PACKAGE], patterns: [DEV_SERVER_LAUNCHER] }] },
  },
  {
    // Only workers open the SDK's native connection.
    files: ['api/**/*.ts', 'cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [TESTING_PACKAGE, { name: '@temporalio/worker', message: 'api/ and cli/ are clients: no worker SDK' }],
          patterns: [
            DEV_SERVER_LAUNCHER,
            { regex: 'worker-connection', message: 'api/ and cli/ open client connections only' },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts', 'cli/start.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [TESTING_PACKAGE] }] },
  },
  {
    // Benchmarks run on throw-away servers, as the tests do.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'infra/temporal-server*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Backtest threads start with the backtest's young generation, which backtestWorker() sets.
    files: ['backtest/**/*.ts', 'activities/**/*.ts'],
    ignores: ['backtest/young-generation.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Worker']",
          message: 'start a backtest thread with backtestWorker() (backtest/young-generation.ts)',
        },
      ],
    },
  },
  {
    files: ['trading/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\.)',
              message: 'trading/ is pure: it imports only zod and itself (no Node API, no I/O)',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed: no Node API, no I/O package; types from anywhere are erased.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\.)',
              message: 'workflows/ import only @temporalio/workflow and deterministic code of ours',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
