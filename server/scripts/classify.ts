/**
 * npm run classify -- eval FILE.jsonl     metrics on labelled lines {"text","label" (or a second-level "category"),"urgency"?,"register"?}; last line is one JSON object
 * npm run classify -- train [--out FILE]   train a model; with MONGODB_URI, store it and make it the live one;
 *                                          --out saves it, and CLASSIFIER_MODEL_FILE=FILE makes the other commands use it
 * npm run classify -- predict "文字"        classify one text
 * npm run -s classify -- predict-file FILE.jsonl|- [--out OUT.jsonl]   (- reads stdin)
 *                                          one JSON line per input line {"text",…}, in order, streamed (blank or bad
 *                                          lines answered in place with {"line","error"}); to OUT.jsonl with --out,
 *                                          else to stdout. `-s` keeps npm's "> ssp@… classify" banner off stdout, so
 *                                          stdout is exactly the JSON lines; the summary goes to stderr.
 *
 * Without MONGODB_URI and CLASSIFIER_MODEL_FILE the model is trained here from the seed sentences, the writers'
 * corpus and the default category tree: about 40 CPU-seconds (calibration folds included), every run — save one
 * with `train --out FILE` and pass CLASSIFIER_MODEL_FILE=FILE to skip it. This works on a fresh clone with no
 * database. With MONGODB_URI it uses the live model and tree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { createCategoryService } from '../src/categories/categoryService';
import { Classifier } from '../src/classification/classifier';
import { createClassificationService } from '../src/classification/classificationService';
import { evaluate } from '../src/classification/evaluate';
import { predictStream } from '../src/classification/predictFile';
import { baseTrainingExamples, leavesOf, loadJsonl, seedTreeAsNodes } from '../src/classification/trainingData';
import { connectDatabase } from '../src/db/connect';
import { createLogger } from '../src/log';
import { createReportRepository } from '../src/reports/reportRepository';
import { createCategoryMoves } from '../src/reports/categoryMoves';

const [command, arg] = process.argv.slice(2);

async function classifierFromDatabase(uri: string, retrain: boolean) {
  await connectDatabase(uri);
  const repo = createReportRepository();
  const categories = createCategoryService({ usage: createCategoryMoves(repo) });
  await categories.seedIfEmpty();
  const service = createClassificationService({ categories, reviewed: repo, log: createLogger('warn', (l) => process.stderr.write(l + '\n')), confidenceThreshold: 0.5, retrainEvery: 1e9 });
  if (retrain) return { service, result: await service.retrain('command line') };
  await service.init();
  return { service, result: null };
}

/** Opens FILE for reading, or fails with a message naming it (ENOENT, EISDIR, EACCES). */
async function openInput(file: string) {
  const handle = await open(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`predict-file: 无法读取 ${file}（${err.code ?? err.message}）`);
  });
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new Error(`predict-file: ${file} 是目录，不是文件`);
  }
  return handle.createReadStream();
}

/** CLASSIFIER_MODEL_FILE: a model saved by `train --out FILE`, so eval, predict and predict-file need not retrain. */
function localClassifier(): Classifier {
  const file = process.env.CLASSIFIER_MODEL_FILE;
  if (file) return Classifier.deserialize(readFileSync(file));
  const tree = seedTreeAsNodes(DEFAULT_TREE);
  return Classifier.train(baseTrainingExamples(tree), leavesOf(tree), 0);
}

async function main() {
  const uri = process.env.MONGODB_URI;
  if (command === 'eval') {
    if (!arg) throw new Error('usage: classify eval FILE.jsonl');
    // npm runs workspace scripts inside server/; a relative path means the caller's directory.
    const parentOf = new Map(DEFAULT_TREE.flatMap((f) => f.children.map((c) => [c.code, f.code] as const)));
    const rows = loadJsonl(path.resolve(process.env.INIT_CWD ?? process.cwd(), arg), parentOf);
    const classify = uri ? (await classifierFromDatabase(uri, false)).service : localClassifier();
    const report = evaluate(classify, rows);
    console.error(`n=${report.n} accuracy=${report.accuracy} macroF1=${report.macroF1} top3=${report.top3} urgentP=${report.urgentPrecision} urgentR=${report.urgentRecall} semiUrgentP=${report.semiUrgentPrecision} semiUrgentR=${report.semiUrgentRecall} ece=${report.ece} ms/text=${report.msPerText}`);
    for (const [name, r] of Object.entries(report.perRegister)) console.error(`  ${name.padEnd(12)} n=${r.n} accuracy=${r.accuracy} top3=${r.top3}`);
    for (const b of report.reliability) if (b.n) console.error(`  confidence ${b.from.toFixed(1)}–${b.to.toFixed(1)}: n=${b.n} mean confidence=${b.meanConfidence} accuracy=${b.accuracy}`);
    console.log(JSON.stringify(report));
  } else if (command === 'train') {
    if (uri) {
      const { result } = await classifierFromDatabase(uri, true);
      console.log(JSON.stringify(result));
    } else {
      const started = performance.now();
      const c = localClassifier();
      const out = process.argv.indexOf('--out');
      if (out > 0) writeFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[out + 1]), c.serialize());
      console.log(JSON.stringify({ version: c.version, trainedOn: c.trainedOn, temperature: c.temperature, seconds: Number(((performance.now() - started) / 1000).toFixed(2)), note: out > 0 ? `saved to ${process.argv[out + 1]}` : 'MONGODB_URI not set: trained in memory only' }));
    }
  } else if (command === 'predict') {
    if (!arg) throw new Error('usage: classify predict "文字"');
    const classify = uri ? (await classifierFromDatabase(uri, false)).service : localClassifier();
    console.log(JSON.stringify(classify.classify(arg), null, 2));
  } else if (command === 'predict-file') {
    if (!arg || arg.startsWith('--')) throw new Error('usage: classify predict-file FILE.jsonl|- [--out OUT.jsonl]');
    const outAt = process.argv.indexOf('--out');
    if (outAt > 0 && !process.argv[outAt + 1]) throw new Error('usage: --out OUT.jsonl');
    // `-` is stdin (`zcat history.jsonl.gz | … predict-file -`). A file is opened before the model is trained, so a
    // wrong path fails at once with its name, not after a minute of training.
    const input = arg === '-' ? process.stdin : await openInput(path.resolve(process.env.INIT_CWD ?? process.cwd(), arg));
    const outFile = outAt > 0 ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[outAt + 1]) : null;
    // Opened before training too: a wrong --out directory is named at once, not after the model is built.
    const outHandle = outFile
      ? await open(outFile, 'w').catch((err: NodeJS.ErrnoException) => {
          throw new Error(`predict-file: 无法写入 ${outFile}（${err.code ?? err.message}）`);
        })
      : null;
    const classify = uri ? (await classifierFromDatabase(uri, false)).service : localClassifier();
    const output = outHandle ? outHandle.createWriteStream() : process.stdout;
    // A write that fails later (a full disk) ends the command with its reason, not an unhandled 'error' event.
    if (outHandle) output.on('error', (err) => {
      console.error(`predict-file: 写入 ${outFile} 失败：${err.message}`);
      process.exit(1);
    });
    // `predict-file … | head`: the reader left, so stop quietly (as cat does) instead of dying with a stack trace.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(0);
    });
    const { lines, errors } = await predictStream(classify, input, output);
    if (output !== process.stdout) await new Promise<void>((resolve, reject) => output.end((err?: Error | null) => (err ? reject(err) : resolve())));
    console.error(`predict-file: ${lines} lines, ${errors} errors${outAt > 0 ? ` → ${process.argv[outAt + 1]}` : ''}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } else {
    console.error('usage: classify eval FILE.jsonl | train [--out FILE] | predict "文字" | predict-file FILE.jsonl|- [--out OUT.jsonl]');
    process.exit(2);
  }
  if (uri) await mongoose.disconnect();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
