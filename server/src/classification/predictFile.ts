import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { ClassificationView } from '@ssp/shared';

/** One output line of `classify predict-file`. */
export interface PredictLine {
  firstLevel: string;
  firstLevelTop3: string[];
  category: string;
  urgency: NonNullable<ClassificationView['urgency']>;
  confidence: number;
}

/**
 * A line longer than this is answered with an error and never held whole: memory stays flat even for a file with a
 * runaway line (a ticket's description is ≤ 2,000 characters, ~6 KB of JSON; old exports may carry more fields).
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines without holding more than MAX_LINE_BYTES of one line: the rest of an overlong line
 * is skipped, and the line is reported as `null`. A final newline ends the last line and opens none; a `\r` before
 * the newline (files written on Windows) and a UTF-8 BOM at the start (Excel's "UTF-8 CSV") are dropped.
 */
async function* boundedLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  let first = true;
  const finish = (): string | null => {
    let line: string | null = null;
    if (!overlong) {
      line = Buffer.concat(parts, size).toString('utf8');
      if (first && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
    }
    parts = [];
    size = 0;
    overlong = false;
    first = false;
    return line;
  };
  const add = (piece: Buffer) => {
    if (overlong) return;
    if (size + piece.length > MAX_LINE_BYTES) {
      overlong = true;
      parts = [];
      size = 0;
    } else {
      parts.push(piece);
      size += piece.length;
    }
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
      add(buf.subarray(from, nl));
      yield finish();
      from = nl + 1;
    }
    // Copied: the stream may reuse its chunk's memory.
    if (from < buf.length) add(Buffer.from(buf.subarray(from)));
  }
  if (size || overlong) yield finish();
}

/**
 * Re-classifies a JSON Lines stream ({"text", …} per line) into one JSON line
 * per input, in input order, for a city moving its historical tickets over.
 * Line by line with back-pressure: memory stays flat however long the file.
 * A line that is not JSON, has no "text" or an empty one, is blank, or is longer
 * than MAX_LINE_BYTES gives {"line", "error"} in its place ("line" is its 1-based
 * line number in the file), so output line N always answers input line N, blank
 * lines included, and one bad line never loses the rest; a file's final newline
 * ends its last line and opens none. stdout carries only these lines (progress
 * and the summary go to stderr): scripts/classify.ts, `--out FILE`.
 */
export async function predictStream(classifier: { classify(text: string): ClassificationView }, input: Readable, output: Writable): Promise<{ lines: number; errors: number }> {
  let n = 0;
  let errors = 0;
  for await (const line of boundedLines(input)) {
    n++;
    let out: PredictLine | { line: number; error: string };
    try {
      if (line === null) throw new Error(`这一行超过 ${MAX_LINE_BYTES / 1024 / 1024} MB，未分类`);
      if (!line.trim()) throw new Error('空行');
      const row = JSON.parse(line);
      if (typeof row?.text !== 'string') throw new Error('需要 "text" 字段（字符串）');
      // As POST /classify: surrounding spaces do not count, and nothing to read is an error, not a guess.
      const text = row.text.trim();
      if (!text) throw new Error('"text" 为空');
      const r = classifier.classify(text);
      out = { firstLevel: r.firstLevel.code, firstLevelTop3: r.firstLevelTop3.map((f) => f.code), category: r.top3[0].code, urgency: r.urgency ?? (r.urgent ? 'urgent' : 'normal'), confidence: r.confidence };
    } catch (err) {
      errors++;
      out = { line: n, error: err instanceof SyntaxError ? '不是合法的 JSON' : (err as Error).message };
    }
    if (!output.write(JSON.stringify(out) + '\n')) await once(output, 'drain');
  }
  return { lines: n, errors };
}
