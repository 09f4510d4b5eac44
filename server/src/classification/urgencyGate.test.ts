import { RegExpParser, type AST } from '@eslint-community/regexpp';
import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { baseTrainingExamples, seedTreeAsNodes } from './trainingData';
import { analyseUrgency, detectUrgency, gatedPatterns, gateOf, gateOfPlain } from './urgency';
import { mulberry32 } from './softmaxRegression';

/**
 * Whether every string `node` matches holds at least one of the characters or two-character strings of `need`, read
 * from the pattern's syntax tree: a sequence does when one of its parts does or two of its characters in a row are a
 * needed pair, an alternation when each branch does, a repetition when it must occur at least once and its body
 * does; a character or a (non-negated) class when it is, or all of it is, in `need`.
 * Anything else (negated classes, \d, \s, ., lookarounds, anchors) proves nothing. Sound, not complete: a true answer
 * means no text without those characters can match, which is all the gate in urgency.ts relies on.
 */
function needed(node: AST.Node, need: Set<string>): boolean {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.every((a) => needed(a, need));
    case 'Alternative':
      return (
        node.elements.some((e) => needed(e, need)) ||
        node.elements.some((e, k) => {
          const f = node.elements[k + 1];
          return e.type === 'Character' && f?.type === 'Character' && need.has(unit(e.value) + unit(f.value));
        })
      );
    case 'Quantifier':
      return node.min >= 1 && needed(node.element, need);
    case 'Character':
      return need.has(unit(node.value));
    case 'CharacterClass':
      return (
        !node.negate &&
        node.elements.every((e) => {
          if (e.type === 'Character') return need.has(unit(e.value));
          if (e.type !== 'CharacterClassRange') return false;
          for (let c = e.min.value; c <= e.max.value; c++) if (!need.has(unit(c))) return false;
          return true;
        })
      );
    default:
      return false;
  }
}

/** a code point as the gate reads it: one code unit (astral characters, two units, are never needed: see below) */
const unit = (c: number) => (c > 0xffff ? '\u{fffff}-astral' : String.fromCharCode(c));

/** `need` as urgency.ts writes it: characters and two-character strings, separated by spaces */
function proves(pattern: RegExp, need: string): boolean {
  // case-insensitive or dotAll patterns would need more than this reading of the tree
  if (/[^u]/.test(pattern.flags)) return false;
  const ast = new RegExpParser().parsePattern(pattern.source, undefined, undefined, { unicode: pattern.flags.includes('u') });
  const pieces = need.split(' ');
  if (pieces.some((p) => p.length < 1 || p.length > 2)) return false;
  return needed(ast, new Set(pieces));
}

test('urgency gate: every match of every gated pattern holds one of its needed characters', (t) => {
  const patterns = gatedPatterns();
  t.is(patterns.length, 24);
  for (const { name, pattern, need } of patterns) {
    t.true(need.length > 0, name);
    // code units the gate reads one at a time: no surrogates in a need
    t.false(/[\uD800-\uDFFF]/.test(need), name);
    t.true(need.split(' ').every((p) => p.length === 1 || p.length === 2), name);
    t.true(proves(pattern, need), `${name}: /${pattern.source}/ can match without any of ${need}`);
  }
});

test('urgency gate: the proof fails where a match can do without the needed characters', (t) => {
  t.true(proves(/ab|c/, 'a c'));
  t.false(proves(/ab|c/, 'a'), 'a branch without it');
  t.true(proves(/ab|c/, 'ab c'), 'a pair in a row');
  t.false(proves(/ac|d/, 'ab d'), 'a pair not in the pattern');
  t.false(proves(/a.b/, 'ab'), 'a pair not in a row');
  t.false(proves(/a(?:x)?b/, 'ab'), 'a pair with an optional part between');
  t.false(proves(/ab/, 'abc'), 'a need of three characters');
  t.true(proves(/x?b/, 'b'));
  t.false(proves(/x?b/, 'x'), 'an optional part');
  t.false(proves(/x{0,3}y?/, 'xy'), 'only optional parts');
  t.true(proves(/[^，]{0,4}(泄漏|在漏)/, '漏'));
  t.false(proves(/[^，]{0,4}(泄漏|在漏)/, '，'), 'a negated class');
  t.true(proves(/[a-c]d/, 'a b c'));
  t.false(proves(/[a-c]/, 'a b'), 'a class partly outside');
  t.false(proves(/(?<=火)灾?/, '火'), 'a lookbehind');
  t.false(proves(/火/i, '火'), 'flags the reading does not cover');
  t.false(proves(/\d+月/u, '0 1 2 3 4 5 6 7 8 9'), 'a class escape');
  t.true(proves(/\d+月/u, '月'));
  // a real rule with one of its needed pairs taken away no longer proves (电梯困人's 梯卡 alternative: 电梯卡在)
  const lift = gatedPatterns().find((p) => p.name === '电梯困人')!;
  t.true(lift.need.includes('梯卡'));
  t.false(proves(lift.pattern, lift.need.replace(' 梯卡', '')));
});

test('urgency gate: rules are still found, negated and dated in texts the gate lets through', (t) => {
  t.is(detectUrgency('楼道里煤气味很重').level, 'urgent');
  t.is(detectUrgency('路口红绿灯全灭了').level, 'semi_urgent');
  t.is(detectUrgency('上周煤气味已经处理好了').level, 'normal');
  t.true(detectUrgency('不急，煤气味有空来看看').defused);
  const { signals } = analyseUrgency('上周楼道着火，已经扑灭了，感谢消防');
  t.true(signals.length > 0);
  // a text holding no needed character of any pattern: nothing fires and no signal is set
  t.deepEqual(analyseUrgency('abc 小区绿化修剪').signals, []);
});

/** the same random inputs on every run */
const random = mulberry32;

test('urgency gate: the one-pass gate (a table read per character, a pair filter, a hash) gives the bits of looking for every need', (t) => {
  const texts = baseTrainingExamples(seedTreeAsNodes(DEFAULT_TREE)).map((e) => e.text);
  t.true(texts.length > 9000);
  // random strings of needed characters and pairs, their halves, characters sharing a pair filter's low six bits, and others
  const needs = gatedPatterns().flatMap((p) => p.need.split(' '));
  const pieces = [...needs, ...needs.filter((w) => w.length === 2).flatMap((w) => [w[0], w[1], w[0] + String.fromCharCode(w.charCodeAt(1) ^ 64), w[0] + String.fromCharCode(w.charCodeAt(1) ^ 1)]), '的', '了', '，', '。', 'a', '0', ' ', '\n', '😡', '\ud83d'];
  const rnd = random(11);
  for (let i = 0; i < 40000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 10);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(rnd() * pieces.length)];
    texts.push(s);
  }
  let nonzero = 0;
  for (const text of texts) {
    const gate = gateOf(text);
    if (gate !== gateOfPlain(text)) return t.fail(JSON.stringify(text));
    if (gate) nonzero++;
  }
  t.true(nonzero > texts.length / 2, `${nonzero} of ${texts.length} texts with a gate bit`);
});
