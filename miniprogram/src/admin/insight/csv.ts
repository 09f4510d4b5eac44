import Taro from '@tarojs/taro';
import { saveBlob } from '../../services/download';

/** RFC 4180 CSV with a BOM, so Excel opens the Chinese text as UTF-8. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v == null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** H5: downloads the file; the mini-program cannot save files, so it copies the CSV to the clipboard. */
export function exportCsv(name: string, header: string[], rows: (string | number | null)[][]): void {
  const text = toCsv(header, rows);
  if (process.env.TARO_ENV === 'h5') {
    saveBlob(`${name}.csv`, new Blob([text], { type: 'text/csv;charset=utf-8' }));
  } else {
    void Taro.setClipboardData({ data: text });
  }
}
