import { defineConfig } from 'vitest/config';

// Unit tests of the app's logic (draft store, uploads, idempotency keys, validation messages, i18n).
// Taro's APIs are the platform boundary: test/taroStub.ts stands in for them (storage, request, upload).
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    alias: { '@tarojs/taro': new URL('./test/taroStub.ts', import.meta.url).pathname },
  },
  define: { 'process.env.TARO_ENV': JSON.stringify('h5') },
});
