// Worker entry in plain JS: Node 20 workers do not take a TypeScript entry
// (nor --import loaders) directly, so register tsx here and load the real one.
import { register } from 'tsx/esm/api';

register();
await import('./trainWorker.ts');
