/**
 * node --import=tsx scripts/import-corpus.ts /work/corpus [FILE.jsonl …]
 *
 * With FILE names, only those files are copied (a writer's file that is finished, while others are
 * still being written; the held-out directory is then left alone unless a held-out file is named).
 * Copies the writers' JSON Lines into the repository: <dir>/train/*.jsonl →
 * src/classification/data/corpus/, <dir>/heldout/*.jsonl → data/heldout/.
 * Each line keeps its text, second-level `category`, `register` and `urgency`
 * and gains `label` (the first-level code, for `classify eval`) and `urgent`.
 * Lines that do not parse or name an unknown category are reported and left out.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TREE } from '../src/categories/defaultTree';
import { DATA_DIR } from '../src/classification/trainingData';

const source = process.argv[2];
if (!source) throw new Error('usage: import-corpus.ts CORPUS_DIR [FILE.jsonl …]');
const only = process.argv.slice(3);
const parentOf = new Map(DEFAULT_TREE.flatMap((f) => f.children.map((c) => [c.code, f.code] as const)));
const URGENCY = new Set(['urgent', 'semi_urgent', 'normal']);

for (const [from, to] of [['train', 'corpus'], ['heldout', 'heldout']] as const) {
  const dir = path.join(source, from);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && (!only.length || only.includes(f))).sort();
  } catch {
    continue; // no such directory: nothing of that kind to import
  }
  mkdirSync(path.join(DATA_DIR, to), { recursive: true });
  for (const file of files) {
    const out: string[] = [];
    let bad = 0;
    readFileSync(path.join(dir, file), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const row = JSON.parse(line);
        const label = parentOf.get(row.category);
        if (typeof row.text !== 'string' || !row.text.trim() || !label || !URGENCY.has(row.urgency)) throw new Error('bad fields');
        out.push(JSON.stringify({ text: row.text, category: row.category, label, register: row.register, urgency: row.urgency, urgent: row.urgency === 'urgent' }));
      } catch {
        bad++;
        console.error(`${from}/${file}:${i + 1}: skipped`);
      }
    });
    writeFileSync(path.join(DATA_DIR, to, file), out.join('\n') + '\n');
    console.log(`${from}/${file}: ${out.length} lines${bad ? `, ${bad} skipped` : ''}`);
  }
}
