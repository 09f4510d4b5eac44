// The fault test: slow (minutes), one file, run by `npm run test:chaos` and by `npm test`.
export default {
  files: ['chaos/**/*.chaos.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  concurrency: 1,
  timeout: '10m',
  verbose: true,
};
