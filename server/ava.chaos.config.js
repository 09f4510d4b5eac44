// The fault test (about a minute at 2,000 reports), one file: `npm run test:chaos`, and part of `npm test`.
export default {
  files: ['chaos/**/*.chaos.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  concurrency: 1,
  timeout: '10m',
  verbose: true,
};
