import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

/**
 * One source, two builds: `weapp` (WeChat mini-program) and `h5` (web channel
 * and admin console, served by the API server at /). Outputs go to
 * dist/weapp and dist/h5; project.config.json at the repo root points WeChat
 * DevTools at dist/weapp.
 */
export default defineConfig(async () => {
  const env = process.env.TARO_ENV ?? 'h5';
  // shared/ is TypeScript source used by server and app alike: compile it like our own.
  const compile = { include: [path.resolve(__dirname, '../../shared/src')] };
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'suishenpai',
    date: '2026-11-29',
    // NutUI's styles are drawn at 375 px; ours at 750.
    designWidth: (input?: { file?: string }) => (input?.file?.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750),
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${env}`,
    plugins: [],
    defineConstants: {},
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      compile,
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      optimizeMainPackage: { enable: true },
    },
    h5: {
      compile,
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  return config;
});
