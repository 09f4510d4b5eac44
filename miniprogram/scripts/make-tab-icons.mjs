// Renders the tab bar icons (81×81 PNG, as WeChat asks) from inline SVG.
// Run once after changing a shape: node miniprogram/scripts/make-tab-icons.mjs
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(path.resolve('server/package.json'));
const sharp = require('sharp');

const shapes = {
  home: '<path d="M12 38 L40 14 L68 38 V66 H50 V48 H30 V66 H12 Z" fill="none" stroke="COLOR" stroke-width="6" stroke-linejoin="round"/>',
  list: '<rect x="14" y="12" width="52" height="58" rx="6" fill="none" stroke="COLOR" stroke-width="6"/><path d="M26 30 H54 M26 42 H54 M26 54 H44" stroke="COLOR" stroke-width="6" stroke-linecap="round"/>',
};
const colors = { normal: '#5c6470', active: '#1a5fb4' };
const out = path.resolve('miniprogram/src/assets/tab');
for (const [name, shape] of Object.entries(shapes)) {
  for (const [state, color] of Object.entries(colors)) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="81" height="81" viewBox="0 0 80 80">${shape.replaceAll('COLOR', color)}</svg>`;
    await sharp(Buffer.from(svg)).png().toFile(path.join(out, `${name}${state === 'active' ? '-active' : ''}.png`));
  }
}
console.log('tab icons written to', out);
