import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { Classifier } from './classifier';
import { examplesOf, leavesOf, loadSeedCorpus, seedTreeAsNodes } from './trainingData';

// README's documented command, run as a resident of the repository would: from the root, through npm. A small model
// saved to a file (CLASSIFIER_MODEL_FILE) spares the child the full training; the command's output path is the same.
const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'predict-file-cli-'));
const modelFile = path.join(dir, 'model.bin');
const tree = seedTreeAsNodes(DEFAULT_TREE);
writeFileSync(modelFile, Classifier.train([...loadSeedCorpus(), ...examplesOf(tree)], leavesOf(tree), 0, { calibrationFolds: 0 }).serialize());
const inputFile = path.join(dir, 'in.jsonl');
const input = [JSON.stringify({ text: '楼下广场舞每天晚上太吵了', id: 7 }), 'not json', '', JSON.stringify({ id: 4 }), JSON.stringify({ text: '老板拖欠了三个月工资' })];
writeFileSync(inputFile, input.join('\n') + '\n');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: root, env: { ...process.env, CLASSIFIER_MODEL_FILE: modelFile, MONGODB_URI: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function checkLines(t: import('ava').ExecutionContext, text: string) {
  const lines = text.split('\n');
  t.is(lines.pop(), '', 'ends with a newline');
  t.is(lines.length, input.length, 'one output line per input line, the blank one included');
  const rows = lines.map((l) => JSON.parse(l)); // every line is JSON: no banner, no log line
  t.is(rows[0].firstLevel, 'noise');
  t.deepEqual(Object.keys(rows[0]), ['firstLevel', 'firstLevelTop3', 'category', 'urgency', 'confidence']);
  t.deepEqual(rows[1], { line: 2, error: '不是合法的 JSON' });
  t.deepEqual(rows[2], { line: 3, error: '空行' });
  t.is(rows[3].line, 4);
  t.is(rows[4].firstLevel, 'labor_social');
}

test('npm run -s classify -- predict-file FILE: stdout is exactly one JSON line per input line', async (t) => {
  const r = await run(['run', '-s', 'classify', '--', 'predict-file', inputFile]);
  t.is(r.code, 0, r.stderr);
  checkLines(t, r.stdout);
  t.regex(r.stderr, /predict-file: 5 lines, 3 errors/);
});

test('predict-file --out FILE: the lines go to the file, nothing JSON-breaking to stdout even with npm\'s banner', async (t) => {
  const out = path.join(dir, 'out.jsonl');
  const r = await run(['run', 'classify', '--', 'predict-file', inputFile, '--out', out]);
  t.is(r.code, 0, r.stderr);
  checkLines(t, readFileSync(out, 'utf8'));
  t.false(/firstLevel/.test(r.stdout), 'no prediction on stdout');
});
