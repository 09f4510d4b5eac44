import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadJsonl } from './trainingData';

// The file `npm run classify -- eval FILE` reads: a bad line is named by the line number an editor shows.
const dir = mkdtempSync(path.join(os.tmpdir(), 'load-jsonl-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const parentOf = new Map([['square_dancing', 'noise']]);

test('eval files: blank lines are skipped, a BOM is not a bad first line, a category gives its first level', (t) => {
  const f = file('ok.jsonl', '\uFEFF{"text":"广场舞太吵","category":"square_dancing","register":"snap","urgency":"normal"}\n\n{"text":"工资拖欠","label":"labor_social"}\n');
  t.deepEqual(loadJsonl(f, parentOf).map((r) => [r.text, r.label]), [['广场舞太吵', 'noise'], ['工资拖欠', 'labor_social']]);
});

test('eval files: a bad line is named by its line number in the file, blank lines counted', (t) => {
  const notJson = file('bad.jsonl', '{"text":"a","label":"noise"}\n\n{"text":"b",\n');
  t.throws(() => loadJsonl(notJson), { message: `${notJson}:3: not JSON` });
  const noLabel = file('nolabel.jsonl', '\n{"text":"a"}\n');
  t.throws(() => loadJsonl(noLabel), { message: `${noLabel}:2: needs "text" and "label" (or a known "category")` });
});

test('eval files: an urgency outside the three levels is refused, not scored as 普通', (t) => {
  const f = file('level.jsonl', '{"text":"a","label":"noise","urgency":"normal"}\n{"text":"b","label":"noise","urgency":"紧急"}\n');
  t.throws(() => loadJsonl(f), { message: `${f}:2: "urgency" must be "urgent", "semi_urgent" or "normal"` });
});
