#!/usr/bin/env node
// Hot-reload development: the API server restarts on change, the H5 app rebuilds on change
// (reload the browser at http://localhost:3000). For the mini-program run `npm run dev:weapp -w miniprogram`.
import { spawn } from 'node:child_process';
const children = [
  spawn('npm', ['run', 'dev', '-w', 'server'], { stdio: 'inherit' }),
  spawn('npm', ['run', 'dev:h5', '-w', 'miniprogram'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', stop);
