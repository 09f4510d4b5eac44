// Browser tests: one Chromium, files in series (2 cores), generous timeouts for page loads.
export default {
  files: ['e2e/**/*.e2e.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  concurrency: 1,
  timeout: '120s',
};
