import test from 'ava';
import ExcelJS from 'exceljs';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import { setReportFields, unsetReportFields } from '../../test/reportStore';

let s: TestServer;
let admin: { token: string; userId: string };
const ids: Record<string, { id: string; ticketNo: string }> = {};
test.before(async () => {
  s = await startTestServer();
  admin = await s.loginAdmin();
  const citizen = await s.loginCitizen();
  const submit = async (name: string, body: Record<string, unknown>) => {
    const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(body), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids[name] = res.body;
  };
  await submit('noiseXuhui', { description: '徐家汇工地晚上十一点还在施工打桩，噪声很大吵得睡不着', contactPhone: '13812345678', location: { lat: 31.188, lng: 121.4365, coordSystem: 'gcj02', accuracy: 10, address: '徐汇区华山路' } });
  await submit('manholeHuangpu', { contactPhone: '13900001111' });
  await submit('snapHuangpu', { description: '南京东路步行街的垃圾桶满了溢出来了' });
  // Make one overdue and rated 不满意, one urgent, directly (the states, not the paths there, are what search reads).
  await setReportFields(ids.manholeHuangpu.id, { status: 'resolved', overdueAt: new Date(), rating: { value: 'unsatisfied', comment: '', at: new Date() } });
  // A 随申拍 needs a photo to be filed; its kind is what matters here.
  await setReportFields(ids.snapHuangpu.id, { kind: 'snap' });
  // noiseXuhui as a report stored before the urgency levels: `urgent: true` and no `urgency` (read as 紧急);
  // manholeHuangpu 次紧急, which `urgent` alone cannot say.
  await setReportFields(ids.noiseXuhui.id, { urgent: true });
  await unsetReportFields(ids.noiseXuhui.id, ['urgency']);
  await setReportFields(ids.manholeHuangpu.id, { urgency: 'semi_urgent', urgent: false });
});
test.after.always(async () => {
  await s?.close();
});

const search = async (qs: string, token = admin.token) => {
  const res = await s.request('GET', `/api/v1/admin/reports?${qs}`, { token });
  if (res.status !== 200) throw new Error(`${qs}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.items as { id: string }[]).map((r) => Object.keys(ids).find((k) => ids[k].id === r.id));
};

test('search filters: ticket number, text, status, category (either level), district, kind, urgent, overdue, rating, dates', async (t) => {
  t.deepEqual(await search(`q=${ids.noiseXuhui.ticketNo}`), ['noiseXuhui']);
  t.deepEqual(await search(`q=${encodeURIComponent('打桩')}`), ['noiseXuhui']);
  t.deepEqual(await search('status=resolved'), ['manholeHuangpu']);
  t.deepEqual(await search('status=submitted,resolved&district=310104'), ['noiseXuhui']);
  const noise = (await s.request('GET', `/api/v1/admin/reports/${ids.noiseXuhui.id}`, { token: admin.token })).body.report;
  t.is(noise.category.parentCode, 'noise');
  t.like(noise, { urgent: true, urgency: 'urgent' }, 'a report stored without `urgency` reads as its `urgent` says');
  t.deepEqual(await search('category=noise'), ['noiseXuhui']);
  t.deepEqual(await search(`category=${noise.category.code}`), ['noiseXuhui']);
  t.deepEqual(await search('kind=snap'), ['snapHuangpu']);
  t.deepEqual(await search('urgent=1'), ['noiseXuhui']);
  // Every row carries the level (issue 12), the old report's read from its `urgent`.
  const rows = (await s.request('GET', '/api/v1/admin/reports', { token: admin.token })).body.items as { id: string; urgent: boolean; urgency: string }[];
  const level = (name: string) => rows.find((r) => r.id === ids[name].id)!;
  t.like(level('noiseXuhui'), { urgent: true, urgency: 'urgent' });
  t.like(level('manholeHuangpu'), { urgent: false, urgency: 'semi_urgent' });
  t.like(level('snapHuangpu'), { urgent: false, urgency: 'normal' });
  t.deepEqual(await search('overdue=1'), ['manholeHuangpu']);
  t.deepEqual(await search('rating=unsatisfied'), ['manholeHuangpu']);
  t.deepEqual(await search(`from=${new Date(Date.now() + 60_000).toISOString()}`), []);
  t.is((await search(`from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`)).length, 3);
  // Newest first, and the other way round on request.
  t.deepEqual(await search(''), ['snapHuangpu', 'manholeHuangpu', 'noiseXuhui']);
  t.deepEqual(await search('sort=asc'), ['noiseXuhui', 'manholeHuangpu', 'snapHuangpu']);
});

test('search pages with a cursor and rejects bad filters by name', async (t) => {
  const first = await s.request('GET', '/api/v1/admin/reports?limit=2', { token: admin.token });
  t.is(first.body.items.length, 2);
  t.truthy(first.body.nextCursor);
  const second = await s.request('GET', `/api/v1/admin/reports?limit=2&cursor=${first.body.nextCursor}`, { token: admin.token });
  t.deepEqual(second.body.items.map((r: { id: string }) => r.id), [ids.noiseXuhui.id]);
  t.is(second.body.nextCursor, null);
  const bad = await s.request('GET', '/api/v1/admin/reports?status=done&from=last-week&kind=x&district=12&limit=0', { token: admin.token });
  t.is(bad.status, 400);
  t.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['district.0', 'from', 'kind', 'limit', 'status.0']);
});

async function readXlsx(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
  return rows;
}

test('XLSX export of the current search: one row per report, full phones for an operator, masked for an analyst', async (t) => {
  const res = await s.request('GET', '/api/v1/admin/reports/export?format=xlsx&district=310101,310104', { token: admin.token });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-disposition')!, /attachment; filename="reports-.*\.xlsx"/);
  const rows = await readXlsx(res.body);
  t.is(rows[0][0], '工单号');
  t.is(rows.length, 4);
  const phoneCol = rows[0].indexOf('联系电话');
  const noiseRow = rows.find((r) => r[0] === ids.noiseXuhui.ticketNo)!;
  t.is(noiseRow[phoneCol], '13812345678');
  t.is(noiseRow[rows[0].indexOf('区')], '徐汇区');
  t.is(noiseRow[rows[0].indexOf('紧急')], '是');
  t.is(noiseRow[rows[0].indexOf('紧急程度')], '紧急');
  const manholeRow = rows.find((r) => r[0] === ids.manholeHuangpu.ticketNo)!;
  t.falsy(manholeRow[rows[0].indexOf('紧急')], '次紧急 is not 紧急 (an empty cell)');
  t.is(manholeRow[rows[0].indexOf('紧急程度')], '次紧急');

  const analyst = await createStaff(s, admin.token, { roles: ['analyst'] });
  const masked = await readXlsx((await s.request('GET', '/api/v1/admin/reports/export?format=xlsx', { token: analyst.token })).body);
  t.is(masked.find((r) => r[0] === ids.noiseXuhui.ticketNo)![phoneCol], '138****5678');
  t.false(JSON.stringify(masked).includes('13812345678'));
  // operator + analyst: still masked; operator alone: full.
  const both = await createStaff(s, admin.token, { roles: ['operator', 'analyst'] });
  t.false(String((await s.request('GET', '/api/v1/admin/reports/export?format=csv', { token: both.token })).body).includes('13812345678'));
  const op = await createStaff(s, admin.token, { roles: ['operator'] });
  t.true(String((await s.request('GET', '/api/v1/admin/reports/export?format=csv', { token: op.token })).body).includes('13812345678'));
});

test('CSV export takes the same filters, has a BOM and quoted fields', async (t) => {
  const res = await s.request('GET', '/api/v1/admin/reports/export?format=csv&overdue=1', { token: admin.token });
  t.is(res.status, 200);
  const text = (res.body as Buffer).toString('utf8');
  t.true(text.startsWith('\uFEFF工单号,'));
  const lines = text.trim().split('\r\n');
  t.is(lines.length, 2);
  t.true(lines[1].startsWith(ids.manholeHuangpu.ticketNo));
  t.true(lines[1].includes('不满意'));
});

// Written out here, not through shared/time.ts, so the test does not share the code it checks.
const inShanghai = (iso: string) => {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

test('exports give times in Shanghai time as spreadsheets read them, and name the file by the Shanghai date', async (t) => {
  // A deadline three days on, at an odd second, so both time columns have something to show.
  await setReportFields(ids.noiseXuhui.id, { dueAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 86_400_000 + 7_000) });
  const row = (await s.request('GET', `/api/v1/admin/reports/${ids.noiseXuhui.id}`, { token: admin.token })).body.report;
  t.truthy(row.dueAt);
  const today = inShanghai(new Date().toISOString()).slice(0, 10);

  const csv = await s.request('GET', `/api/v1/admin/reports/export?format=csv&q=${ids.noiseXuhui.ticketNo}`, { token: admin.token });
  t.is(csv.headers.get('content-disposition'), `attachment; filename="reports-${today}.csv"`);
  const [header, line] = (csv.body as Buffer).toString('utf8').replace('\uFEFF', '').trim().split('\r\n').map((l) => l.split(','));
  t.is(line[header.indexOf('提交时间（北京时间）')], inShanghai(row.createdAt));
  t.is(line[header.indexOf('办理时限（北京时间）')], inShanghai(row.dueAt));
  t.regex(line[1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  // XLSX: real date cells holding the Shanghai wall clock, shown in the same form as the CSV's text.
  const xlsx = await s.request('GET', `/api/v1/admin/reports/export?format=xlsx&q=${ids.noiseXuhui.ticketNo}`, { token: admin.token });
  t.is(xlsx.headers.get('content-disposition'), `attachment; filename="reports-${today}.xlsx"`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  const heads = (sheet.getRow(1).values as unknown[]).map(String);
  for (const [name, iso] of [['提交时间（北京时间）', row.createdAt], ['办理时限（北京时间）', row.dueAt]] as const) {
    const cell = sheet.getRow(2).getCell(heads.indexOf(name));
    t.true(cell.value instanceof Date, name);
    t.is((cell.value as Date).toISOString().slice(0, 19).replace('T', ' '), inShanghai(iso), name);
    t.is(cell.numFmt, 'yyyy-mm-dd hh:mm:ss', name);
  }

  // Listed before the CSV is asked for: the trail only grows, so every one of these is in it (other tests export too).
  const entries: { at: string }[] = (await s.request('GET', '/api/v1/admin/audit?action=reports.export&limit=100', { token: admin.token })).body.items;
  t.true(entries.length >= 2);
  const audit = await s.request('GET', '/api/v1/admin/audit/export?action=reports.export', { token: admin.token });
  t.is(audit.headers.get('content-disposition'), `attachment; filename="audit-${today}.csv"`);
  const auditLines = String(audit.body).replace('\uFEFF', '').trim().split('\r\n');
  t.true(auditLines[0].startsWith('时间（北京时间）,操作人'));
  const times = new Set(auditLines.slice(1).map((l) => l.split(',')[0]));
  for (const e of entries) t.true(times.has(inShanghai(e.at)), e.at);
});

test('report detail for staff: timeline, classification, delivery, followers and audit entries', async (t) => {
  const op = await createStaff(s, admin.token, { roles: ['operator'] });
  await s.request('POST', `/api/v1/admin/reports/${ids.snapHuangpu.id}/transitions`, { token: op.token, json: { to: 'accepted' } });
  const res = await s.request('GET', `/api/v1/admin/reports/${ids.snapHuangpu.id}`, { token: admin.token });
  t.is(res.status, 200);
  t.true(res.body.report.timeline.length >= 2);
  t.truthy(res.body.report.delivery);
  t.true('classification' in res.body.report);
  t.deepEqual(res.body.followers, []);
  t.is(res.body.audit.length, 1);
  t.is(res.body.audit[0].action, 'report.transition');
  t.is(res.body.audit[0].actor.id, op.id);
});
