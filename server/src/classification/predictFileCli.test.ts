import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { Classifier } from './classifier';
import { MAX_LINE_BYTES } from './predictFile';
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

/** Runs npm in `cwd` (or, for args starting with 'classify', the script itself without npm's two processes, where what
 * is tested is the line handling, not the npm path); `stdin` is written to the child's standard input (then closed); `firstLineOnly` closes our end of
 * its stdout after the first full line, as `| head -1` does. */
function run(args: string[], opts: { cwd?: string; stdin?: string; firstLineOnly?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0] === 'classify' ? process.execPath : 'npm', args[0] === 'classify' ? ['--import=tsx', path.join(root, 'server/scripts/classify.ts'), ...args.slice(1)] : args, { cwd: opts.cwd ?? root, env: { ...process.env, CLASSIFIER_MODEL_FILE: modelFile, MONGODB_URI: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (opts.firstLineOnly && stdout.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.stdin ?? '');
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

// Serial: each spawns npm + tsx; run together on a loaded 2-core machine they would all report at once, late.
test.serial('predict-file - reads stdin (a pipe from zcat or a database dump), from server/ as from the root', async (t) => {
  const r = await run(['run', '-s', 'classify', '--', 'predict-file', '-'], { cwd: path.join(root, 'server'), stdin: input.join('\n') + '\n' });
  t.is(r.code, 0, r.stderr);
  checkLines(t, r.stdout);
});

test.serial('predict-file FILE relative to server/ when run there', async (t) => {
  const r = await run(['run', '-s', 'classify', '--', 'predict-file', path.relative(path.join(root, 'server'), inputFile)], { cwd: path.join(root, 'server') });
  t.is(r.code, 0, r.stderr);
  checkLines(t, r.stdout);
});

test.serial('predict-file | head: the reader leaving ends the command quietly, exit 0, no EPIPE error', async (t) => {
  const many = path.join(dir, 'many.jsonl');
  // ~600 KB of answers: far more than a pipe holds, so the command is still writing when the reader leaves.
  writeFileSync(many, Array.from({ length: 4000 }, (_, i) => JSON.stringify({ text: `第${i}号楼下广场舞每天晚上太吵了` })).join('\n') + '\n');
  const r = await run(['classify', 'predict-file', many], { firstLineOnly: true });
  t.is(JSON.parse(r.stdout.split('\n')[0]).firstLevel, 'noise');
  t.is(r.code, 0, r.stderr);
  t.notRegex(r.stderr, /EPIPE|Error/);
});

test.serial('predict-file: a wrong path is named at once, exit 1', async (t) => {
  const missing = path.join(dir, 'no-such.jsonl');
  const r = await run(['classify', 'predict-file', missing]);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.regex(r.stderr, new RegExp(`无法读取 .*no-such\\.jsonl（ENOENT）`));
});

test.serial('predict-file --out in a directory that does not exist: named at once, exit 1, no unhandled error event', async (t) => {
  const out = await run(['classify', 'predict-file', inputFile, '--out', path.join(dir, 'no-such-dir', 'out.jsonl')]);
  t.is(out.code, 1);
  t.regex(out.stderr, /无法写入 .*out\.jsonl（ENOENT）/);
  t.notRegex(out.stderr, /Unhandled/);
});

test.serial('predict-file: a BOM, CRLF line ends, an empty or blank text, an overlong line and a last line without a newline stay aligned', async (t) => {
  const file = path.join(dir, 'windows.jsonl');
  const lines = [
    JSON.stringify({ text: '老板拖欠了三个月工资' }), // first line, after Excel's UTF-8 BOM
    JSON.stringify({ text: '' }),
    JSON.stringify({ text: '   ' }),
    JSON.stringify({ text: 'x'.repeat(MAX_LINE_BYTES) }), // one byte of JSON too many: answered, never held whole
    JSON.stringify({ text: '  楼下广场舞每天晚上太吵了  ' }),
  ];
  writeFileSync(file, '\uFEFF' + lines.join('\r\n') + '\r\n' + JSON.stringify({ text: '老板拖欠了三个月工资' }));
  const r = await run(['classify', 'predict-file', file]);
  t.is(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  t.is(rows.length, 6);
  t.is(rows[0].firstLevel, 'labor_social', 'the BOM does not make line 1 "not JSON"');
  t.deepEqual(rows[1], { line: 2, error: '"text" 为空' }, 'nothing to classify is an error, not a guess');
  t.deepEqual(rows[2], { line: 3, error: '"text" 为空' });
  t.deepEqual(rows[3], { line: 4, error: '这一行超过 1 MB，未分类' });
  t.is(rows[4].firstLevel, 'noise');
  t.is(rows[5].firstLevel, 'labor_social');
  t.regex(r.stderr, /predict-file: 6 lines, 3 errors/);
});
