import { RegExpParser, type AST } from '@eslint-community/regexpp';
import test from 'ava';
import { analyseUrgency, detectUrgency, gatedPatterns } from './urgency';

/**
 * Whether every string `node` matches holds at least one character of `need`, read from the pattern's syntax tree:
 * a sequence does when one of its parts does, an alternation when each branch does, a repetition when it must occur
 * at least once and its body does; a character or a (non-negated) class when it is, or all of it is, in `need`.
 * Anything else (negated classes, \d, \s, ., lookarounds, anchors) proves nothing. Sound, not complete: a true answer
 * means no text without those characters can match, which is all the gate in urgency.ts relies on.
 */
function needed(node: AST.Node, need: Set<number>): boolean {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.every((a) => needed(a, need));
    case 'Alternative':
      return node.elements.some((e) => needed(e, need));
    case 'Quantifier':
      return node.min >= 1 && needed(node.element, need);
    case 'Character':
      return need.has(node.value);
    case 'CharacterClass':
      return (
        !node.negate &&
        node.elements.every((e) => {
          if (e.type === 'Character') return need.has(e.value);
          if (e.type !== 'CharacterClassRange') return false;
          for (let c = e.min.value; c <= e.max.value; c++) if (!need.has(c)) return false;
          return true;
        })
      );
    default:
      return false;
  }
}

function proves(pattern: RegExp, need: string): boolean {
  // case-insensitive or dotAll patterns would need more than this reading of the tree
  if (/[^u]/.test(pattern.flags)) return false;
  const ast = new RegExpParser().parsePattern(pattern.source, undefined, undefined, { unicode: pattern.flags.includes('u') });
  const chars = new Set<number>();
  for (let i = 0; i < need.length; i++) chars.add(need.charCodeAt(i));
  return needed(ast, chars);
}

test('urgency gate: every match of every gated pattern holds one of its needed characters', (t) => {
  const patterns = gatedPatterns();
  t.is(patterns.length, 24);
  for (const { name, pattern, need } of patterns) {
    t.true(need.length > 0, name);
    // code units the gate reads one at a time: no surrogates in a need
    t.false(/[\uD800-\uDFFF]/.test(need), name);
    t.true(proves(pattern, need), `${name}: /${pattern.source}/ can match without any of ${need}`);
  }
});

test('urgency gate: the proof fails where a match can do without the needed characters', (t) => {
  t.true(proves(/ab|c/, 'ac'));
  t.false(proves(/ab|c/, 'a'), 'a branch without it');
  t.true(proves(/x?b/, 'b'));
  t.false(proves(/x?b/, 'x'), 'an optional part');
  t.false(proves(/x{0,3}y?/, 'xy'), 'only optional parts');
  t.true(proves(/[^，]{0,4}(泄漏|在漏)/, '漏'));
  t.false(proves(/[^，]{0,4}(泄漏|在漏)/, '，'), 'a negated class');
  t.true(proves(/[a-c]d/, 'abc'));
  t.false(proves(/[a-c]/, 'ab'), 'a class partly outside');
  t.false(proves(/(?<=火)灾?/, '火'), 'a lookbehind');
  t.false(proves(/火/i, '火'), 'flags the reading does not cover');
  t.false(proves(/\d+月/u, '0123456789'), 'a class escape');
  t.true(proves(/\d+月/u, '月'));
  // a real rule with one of its needed characters taken away no longer proves (燃气泄漏's 味 alternatives)
  const gas = gatedPatterns().find((p) => p.name === '燃气泄漏')!;
  t.false(proves(gas.pattern, gas.need.replace('味', '')));
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
