import { once } from 'node:events';
import { csvLine, writeLine } from '../http/csv';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { maskPhone, RATING_LABELS, shanghaiDateTime, shanghaiWallClock, URGENCY_LABELS, type ReportSearch } from '@ssp/shared';
import type { AuthUser } from '../http/context';
import { presentRow, streamSearch } from './reportSearch';
import type { ReportRepository } from './reportRepository';

/**
 * Full phone numbers leave the server only in an export, and only for staff
 * who call residents back (admin, operator). Analysts always get them masked,
 * whatever else they hold (unless they are admins).
 */
export function maySeePhones(user: AuthUser): boolean {
  const roles = user.roles ?? [];
  return roles.includes('admin') || (roles.includes('operator') && !roles.includes('analyst'));
}

// Times are Shanghai wall-clock times (staff read them against the console, which shows Shanghai time).
// 「紧急」 stays 是/空 where it was (spreadsheets and imports built on it read columns by position); 「紧急程度」 gives the
// three levels, 次紧急 included, at the end for the same reason.
const HEADERS = ['工单号', '提交时间（北京时间）', '类型', '状态', '一级分类', '二级分类', '区', '地址', '内容', '紧急', '超期', '评价', '承办部门', '办理时限（北京时间）', '联系电话', '专区', '紧急程度'];

function cells(doc: Parameters<typeof presentRow>[0], phones: boolean): (string | Date)[] {
  const row = presentRow(doc);
  const phone = doc.contactPhone ? (phones ? doc.contactPhone : maskPhone(doc.contactPhone)) : '';
  return [
    row.ticketNo,
    doc.createdAt,
    row.kind === 'snap' ? '随申拍' : '诉求',
    row.statusLabel,
    row.category?.parentName ?? '',
    row.category?.name ?? '',
    row.district?.name ?? '',
    row.address,
    doc.description ?? '',
    row.urgent ? '是' : '',
    row.overdue ? '是' : '',
    row.rating ? RATING_LABELS[row.rating as keyof typeof RATING_LABELS] : '',
    row.department ?? '',
    doc.dueAt ?? '',
    phone,
    row.zone?.title ?? '',
    URGENCY_LABELS[row.urgency],
  ];
}

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** 1-based columns of 提交时间 and 办理时限. */
const DATE_COLUMNS = [HEADERS.indexOf('提交时间（北京时间）') + 1, HEADERS.indexOf('办理时限（北京时间）') + 1];

/**
 * Streams the search result into `out` as XLSX (exceljs's streaming writer:
 * each row is committed and leaves memory) or CSV (UTF-8 with BOM, so Excel
 * reads the Chinese right). Reads the database through a cursor, at most
 * `maxRows` rows. Returns the number of rows written.
 */
export async function exportReports(repo: ReportRepository, user: AuthUser, q: Omit<ReportSearch, 'limit' | 'cursor'>, format: 'xlsx' | 'csv', out: Writable, maxRows: number): Promise<number> {
  const phones = maySeePhones(user);
  let n = 0;
  if (format === 'csv') {
    await writeLine(out, '\uFEFF' + csvLine(HEADERS));
    for await (const doc of streamSearch(repo, user, q, maxRows)) {
      // `2026-12-01 02:17:32`: Excel, WPS and LibreOffice read this text as a date and time when they open a CSV.
      await writeLine(out, csvLine(cells(doc, phones).map((c) => (c instanceof Date ? shanghaiDateTime(c) : c))));
      n++;
    }
    out.end();
    return n;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('诉求');
  sheet.columns = HEADERS.map((header, i) => ({ header, key: String(i), width: [20, 20, 8, 8, 16, 18, 10, 30, 60, 6, 6, 10, 20, 20, 16, 16, 10][i] }));
  for await (const doc of streamSearch(repo, user, q, maxRows)) {
    // Real date cells (staff sort, filter and subtract them), holding the Shanghai wall clock: a spreadsheet
    // cell has no time zone, so it shows what was stored, formatted as the CSV's text is.
    const row = sheet.addRow(cells(doc, phones).map((c) => (c instanceof Date ? shanghaiWallClock(c) : c)));
    for (const col of DATE_COLUMNS) row.getCell(col).numFmt = DATE_FORMAT;
    row.commit();
    n++;
    // exceljs writes into its zip stream without waiting; wait here when the client is slow.
    if (out.writableNeedDrain) await once(out, 'drain');
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
