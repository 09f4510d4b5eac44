import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { dropAddresses } from './features';
import { baseTrainingExamples, seedTreeAsNodes } from './trainingData';

/** the pattern dropAddresses stands for (features.ts ADDRESS), as the global replace it replaced */
const ADDRESS = /[\p{sc=Han}]{1,4}(中路|东路|西路|南路|北路|大道|公路|路|街|巷)(?=0)|0(号楼|号|弄|支弄|室|栋|幢|单元|楼|层|户)/gu;
const byPattern = (s: string) => s.replace(ADDRESS, ' ');

test('dropAddresses: equal to the global pattern on random strings of address pieces', (t) => {
  let seed = 2024;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const pieces = ['0', '00', '中路', '东路', '路', '大道', '道', '公路', '街', '巷', '号楼', '号', '弄', '支弄', '室', '栋', '单元', '单', '楼', '层', '户', '漕宝', '莘松', '某', '𠀀', '𪚥', '\uD83D', '\uDE00', '\uD83D\uDE00', 'a', ' ', '，', '、', '小区', '门口'];
  let dropped = 0;
  for (let k = 0; k < 40000; k++) {
    const s = Array.from({ length: rand(14) }, () => pieces[rand(pieces.length)]).join('');
    const want = byPattern(s);
    t.is(dropAddresses(s), want, JSON.stringify(s));
    if (want !== s) dropped++;
  }
  t.log(dropped); t.true(dropped > 1000, `the strings hold addresses: ${dropped}`);
});

test('dropAddresses: equal to the pattern on every training text with its numbers reduced to 0', (t) => {
  for (const { text } of baseTrainingExamples(seedTreeAsNodes(DEFAULT_TREE))) {
    const s = text.toLowerCase().replace(/[0-9０-９]+/g, '0');
    t.is(dropAddresses(s), byPattern(s), s);
  }
  t.is(dropAddresses('漕宝路0号0室'), '   ', 'the road before its 0, then each 0 and its unit');
  t.is(dropAddresses('没有门牌'), '没有门牌');
  t.is(dropAddresses('𠀀𠀀𠀀𠀀路0'), ' 0', 'four astral Han characters and a road word');
});
