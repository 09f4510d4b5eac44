export * from './errors';
export * from './districts';
export * from './status';
export * from './categories';
export * from './limits';
export * from './phone';
export * from './schemas';
export * from './types';
