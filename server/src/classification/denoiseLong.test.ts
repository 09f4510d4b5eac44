import test from 'ava';
import { denoise } from './features';

const byRegex = (s: string) => s.replace(/[\s\p{P}\p{S}]+/gu, ' ');

test('denoise: long texts across its 4,096-unit chunks, pairs and runs at the seams, equal to the pattern', (t) => {
  let seed = 7;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pieces = ['路', '灯', '，', '。', ' ', '  ', '\uD83D\uDE00', '\uD83D', '\uDE00', '𠀀', 'a', '0', '！！', '\u3000', '\n'];
  for (const length of [0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 20000]) {
    for (let round = 0; round < 3; round++) {
      let s = '';
      while (s.length < length) s += pieces[rand(pieces.length)];
      s = s.slice(0, length);
      t.is(denoise(s), byRegex(s), `length ${length}`);
    }
  }
  // no noise at all: the same string back
  const clean = '路灯坏了'.repeat(3000);
  t.is(denoise(clean), clean);
});
