import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ClassificationView } from '@ssp/shared';

/** One output line of `classify predict-file`. */
export interface PredictLine {
  firstLevel: string;
  firstLevelTop3: string[];
  category: string;
  urgency: ClassificationView['urgency'];
  confidence: number;
}

/**
 * Re-classifies a JSON Lines stream ({"text", …} per line) into one JSON line
 * per input, in input order, for a city moving its historical tickets over.
 * Line by line with back-pressure: memory stays flat however long the file.
 * A line that is not JSON, has no "text", or is blank gives {"line", "error"} in
 * its place ("line" is its 1-based line number in the file), so output line N
 * always answers input line N, blank lines included; a file's final newline
 * ends its last line and opens none. stdout carries only these lines (progress
 * and the summary go to stderr): scripts/classify.ts, `--out FILE`.
 */
export async function predictStream(classifier: { classify(text: string): ClassificationView }, input: Readable, output: Writable): Promise<{ lines: number; errors: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let errors = 0;
  for await (const line of lines) {
    n++;
    let out: PredictLine | { line: number; error: string };
    try {
      if (!line.trim()) throw new Error('空行');
      const row = JSON.parse(line);
      if (typeof row?.text !== 'string') throw new Error('需要 "text" 字段（字符串）');
      const r = classifier.classify(row.text);
      out = { firstLevel: r.firstLevel.code, firstLevelTop3: r.firstLevelTop3.map((f) => f.code), category: r.top3[0].code, urgency: r.urgency, confidence: r.confidence };
    } catch (err) {
      errors++;
      out = { line: n, error: err instanceof SyntaxError ? '不是合法的 JSON' : (err as Error).message };
    }
    if (!output.write(JSON.stringify(out) + '\n')) await once(output, 'drain');
  }
  return { lines: n, errors };
}
