import { once } from 'node:events';
import { csvLine, writeLine } from '../http/csv';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { maskPhone, RATING_LABELS, type ReportSearch } from '@ssp/shared';
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

const HEADERS = ['工单号', '提交时间', '类型', '状态', '一级分类', '二级分类', '区', '地址', '内容', '紧急', '超期', '评价', '承办部门', '办理时限', '联系电话', '专区'];

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
  ];
}

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
      await writeLine(out, csvLine(cells(doc, phones).map((c) => (c instanceof Date ? c.toISOString() : c))));
      n++;
    }
    out.end();
    return n;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('诉求');
  sheet.columns = HEADERS.map((header, i) => ({ header, key: String(i), width: [20, 20, 8, 8, 16, 18, 10, 30, 60, 6, 6, 10, 20, 20, 16, 16][i] }));
  for await (const doc of streamSearch(repo, user, q, maxRows)) {
    sheet.addRow(cells(doc, phones)).commit();
    n++;
    // exceljs writes into its zip stream without waiting; wait here when the client is slow.
    if (out.writableNeedDrain) await once(out, 'drain');
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
