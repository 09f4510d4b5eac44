import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** RFC 4180 field quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvLine(fields: unknown[]): string {
  return (
    fields
      .map((f) => {
        let s = f == null ? '' : String(f);
        if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

/** Writes and waits while the socket is full, so a slow client never makes us buffer the whole export. */
export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

