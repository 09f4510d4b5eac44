/**
 * Proof that a change to how the classifier computes leaves what it predicts unchanged (issue 12, speed work).
 *
 *   node --import=tsx scripts/compare-predictions.ts --ref=DIR [--model=FILE] [--train]
 *
 * DIR is the `server/` directory of another checkout (the reference, e.g. main), made without touching the
 * repository's worktrees: `mkdir -p /tmp/ref && git archive main server shared package.json | tar -x -C /tmp/ref
 * && ln -s "$PWD/node_modules" /tmp/ref/node_modules`, then `--ref=/tmp/ref/server`. Both implementations load
 * the SAME stored model (FILE, or CLASSIFIER_MODEL_FILE; without either the reference trains one) and classify
 * every training text (writers' corpus, seed sentences, tree examples), every held-out line
 * (data/heldout.jsonl, data/heldout/*.jsonl) and the benchmark's 100- and 600-character texts. Printed: how many
 * texts differ in first level, first-level top-3, second-level top-3, category, urgency (level and reasons) and
 * explanation, and the largest difference of the raw first-level probabilities and of the shown confidence.
 * Exit code 1 when any first level, top-3, category or urgency differs.
 *
 * --train also trains with both implementations and compares the stored bytes (weights, vocabulary, options;
 * the version name and date excepted): training must be untouched by a classification-speed change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import * as current from '../src/classification/classifier';
import { baseTrainingExamples, HELD_OUT, HELD_OUT_DIR, leavesOf, seedTreeAsNodes } from '../src/classification/trainingData';

type ClassifierModule = typeof current;
type View = ReturnType<current.Classifier['classify']>;

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const refDir = arg('ref');
if (!refDir) {
  console.error('usage: compare-predictions.ts --ref=OTHER_CHECKOUT/server [--model=FILE] [--train]');
  process.exit(2);
}

const texts = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).text as string);

async function main() {
  const reference: ClassifierModule = await import(pathToFileURL(path.resolve(refDir!, 'src/classification/classifier.ts')).href);
  const tree = seedTreeAsNodes(DEFAULT_TREE);
  const examples = baseTrainingExamples(tree);
  const modelFile = arg('model') ?? process.env.CLASSIFIER_MODEL_FILE;
  const bytes = modelFile ? readFileSync(modelFile) : reference.Classifier.train(examples, leavesOf(tree), 1).serialize();
  const ref = reference.Classifier.deserialize(bytes);
  const cur = current.Classifier.deserialize(bytes);

  // the benchmark's texts (bench/classify.ts): training sentences joined to 100 and 600 characters
  const joined = (length: number, pick: (i: number) => string) =>
    Array.from({ length: 2000 }, (_, i) => {
      let text = pick(i);
      for (let k = 1; text.length < length; k++) text += `，${examples[(i * 31 + k * 17) % examples.length].text}`;
      return text.slice(0, length);
    });
  const letters = examples.filter((e) => e.register === 'letter');
  const sets: Record<string, string[]> = {
    training: examples.map((e) => e.text),
    'heldout.jsonl': texts(HELD_OUT),
    ...Object.fromEntries(
      readdirSync(HELD_OUT_DIR)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => [`heldout/${f}`, texts(path.join(HELD_OUT_DIR, f))]),
    ),
    'bench 100 chars': joined(100, (i) => examples[i % examples.length].text),
    'bench 600 chars': joined(600, (i) => letters[i % letters.length].text),
  };

  const codes = (v: View) => ({
    firstLevel: v.firstLevel.code,
    firstLevelTop3: v.firstLevelTop3.map((f) => f.code).join(','),
    top3: v.top3.map((c) => c.code).join(','),
    category: v.top3[0].code,
    urgency: `${v.urgency} ${v.urgentReasons.join('/')}`,
    explanation: v.explanation.join(' '),
  });
  type Field = keyof ReturnType<typeof codes>;
  const fields: Field[] = ['firstLevel', 'firstLevelTop3', 'top3', 'category', 'urgency', 'explanation'];
  const total: Record<Field, number> = { firstLevel: 0, firstLevelTop3: 0, top3: 0, category: 0, urgency: 0, explanation: 0 };
  let maxRaw = 0;
  let maxShown = 0;
  let n = 0;
  const examplesOfDiff: string[] = [];
  for (const [name, list] of Object.entries(sets)) {
    const diff: Record<Field, number> = { firstLevel: 0, firstLevelTop3: 0, top3: 0, category: 0, urgency: 0, explanation: 0 };
    let setRaw = 0;
    for (const text of list) {
      const a = ref.classify(text);
      const b = cur.classify(text);
      const ca = codes(a);
      const cb = codes(b);
      for (const f of fields) {
        if (ca[f] === cb[f]) continue;
        diff[f]++;
        if (examplesOfDiff.length < 10) examplesOfDiff.push(`${name} ${f}: ${JSON.stringify(ca[f])} → ${JSON.stringify(cb[f])} «${text.slice(0, 40)}»`);
      }
      const pa = ref.firstLevelProbabilities(text);
      const pb = cur.firstLevelProbabilities(text);
      for (let k = 0; k < pa.length; k++) setRaw = Math.max(setRaw, Math.abs(pa[k] - pb[k]));
      maxShown = Math.max(maxShown, Math.abs(a.confidence - b.confidence), ...a.top3.map((c, k) => Math.abs(c.probability - (b.top3[k]?.probability ?? 0))));
    }
    n += list.length;
    maxRaw = Math.max(maxRaw, setRaw);
    for (const f of fields) total[f] += diff[f];
    console.log(`${name.padEnd(18)} n=${String(list.length).padStart(5)}  ${fields.map((f) => `${f}≠${diff[f]}`).join(' ')}  max |Δp first level| ${setRaw.toExponential(2)}`);
  }
  for (const line of examplesOfDiff) console.log('  ' + line);

  let training: ReturnType<typeof sameModel> | null = null;
  if (process.argv.includes('--train')) {
    const a = reference.Classifier.train(examples, leavesOf(tree), 1).serialize();
    const b = current.Classifier.train(examples, leavesOf(tree), 1).serialize();
    training = sameModel(a, b);
    console.log(`training: stored models ${training.identical ? 'identical' : 'DIFFER'} (version and date aside), ${training.differingBytes} bytes differ, max |Δ weight| ${training.weightsMaxDiff ?? '(integer weights: bytes compared)'}`);
  }
  const summary = { texts: n, differences: total, maxFirstLevelProbabilityDiff: maxRaw, maxShownProbabilityDiff: Number(maxShown.toFixed(6)), training };
  console.log(JSON.stringify(summary));
  const labelsDiffer = total.firstLevel + total.firstLevelTop3 + total.top3 + total.category + total.urgency > 0;
  process.exit(labelsDiffer || (training && !training.identical) ? 1 : 0);
}

/**
 * Two stored models alike but for their version name and date: the header, and the numbers byte for byte. The
 * largest weight difference is read as float32 only from a float32 layout: an int8 or int16 model's integers read
 * as float32 hold NaN patterns, and NaN made even a model and its own copy "differ" (branch clspeed2).
 */
function sameModel(a: Buffer, b: Buffer): { identical: boolean; weightsMaxDiff: number | null; differingBytes: number } {
  const parts = (buf: Buffer) => {
    const len = buf.readUInt32LE(0);
    const { version: _v, createdAt: _c, ...header } = JSON.parse(buf.subarray(4, 4 + len).toString('utf8'));
    return { header: JSON.stringify(header), float32: !header.weightFormat, body: buf.subarray(4 + len) };
  };
  const pa = parts(a);
  const pb = parts(b);
  let differingBytes = Math.abs(pa.body.length - pb.body.length);
  for (let i = 0; i < Math.min(pa.body.length, pb.body.length); i++) if (pa.body[i] !== pb.body[i]) differingBytes++;
  let weightsMaxDiff: number | null = null;
  if (pa.float32 && pb.float32 && pa.body.length === pb.body.length) {
    const fa = new Float32Array(new Uint8Array(pa.body).buffer);
    const fb = new Float32Array(new Uint8Array(pb.body).buffer);
    weightsMaxDiff = 0;
    for (let i = 0; i < fa.length; i++) weightsMaxDiff = Math.max(weightsMaxDiff, Math.abs(fa[i] - fb[i]));
  }
  return { identical: pa.header === pb.header && differingBytes === 0, weightsMaxDiff, differingBytes };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
