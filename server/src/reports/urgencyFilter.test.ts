import test from 'ava';
import ExcelJS from 'exceljs';
import { startTestServer, validComplaint, type TestServer } from '../../test/harness';
import { createStaff } from '../../test/staff';
import { setReportFields, unsetReportFields } from '../../test/reportStore';

// 诉求检索's 紧急程度 filter (`urgency=`), on the embedded database: each level, lists of levels, reports stored
// before the levels existed (only `urgent`, or not even that), the export, the district scope, bad values.
let s: TestServer;
let admin: { token: string; userId: string };
const ids: Record<string, { id: string; ticketNo: string }> = {};
const XUHUI = { lat: 31.188, lng: 121.4365, coordSystem: 'gcj02', accuracy: 10, address: '徐汇区华山路' };
test.before(async () => {
  s = await startTestServer();
  admin = await s.loginAdmin();
  const citizen = await s.loginCitizen();
  const submit = async (name: string, body: Record<string, unknown> = {}) => {
    const res = await s.request('POST', '/api/v1/reports', { token: citizen.token, json: validComplaint(body), headers: { 'Idempotency-Key': crypto.randomUUID() } });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids[name] = res.body;
  };
  for (const name of ['semi', 'newUrgent', 'newNormal', 'oldUrgent', 'oldNormal', 'oldBare']) await submit(name);
  await submit('semiXuhui', { description: '徐家汇这栋楼整栋停水一上午了', location: XUHUI });
  // The levels are set directly: what the search reads is the stored state, not how the classifier got there.
  await setReportFields(ids.semi.id, { urgency: 'semi_urgent', urgent: false });
  await setReportFields(ids.semiXuhui.id, { urgency: 'semi_urgent', urgent: false });
  await setReportFields(ids.newUrgent.id, { urgency: 'urgent', urgent: true });
  await setReportFields(ids.newNormal.id, { urgency: 'normal', urgent: false });
  // Stored before the levels existed: `urgent` only (urgencyOf reads true as 紧急, false as 普通) …
  await setReportFields(ids.oldUrgent.id, { urgent: true });
  await unsetReportFields(ids.oldUrgent.id, ['urgency']);
  await setReportFields(ids.oldNormal.id, { urgent: false });
  await unsetReportFields(ids.oldNormal.id, ['urgency']);
  // … or older still, without either field (普通).
  await unsetReportFields(ids.oldBare.id, ['urgency', 'urgent']);
});
test.after.always(async () => {
  await s?.close();
});

const names = (items: { id: string }[]) => items.map((r) => Object.keys(ids).find((k) => ids[k].id === r.id) ?? r.id).sort();
const search = async (qs: string, token = admin.token) => {
  const res = await s.request('GET', `/api/v1/admin/reports?${qs}`, { token });
  if (res.status !== 200) throw new Error(`${qs}: ${res.status} ${JSON.stringify(res.body)}`);
  return names(res.body.items);
};

test('urgency= returns exactly the reports of the chosen levels, old reports read by their `urgent` as the rows show them', async (t) => {
  // What the rows say first, so the filter is checked against the same reading (urgencyOf).
  const all = (await s.request('GET', '/api/v1/admin/reports', { token: admin.token })).body.items as { id: string; urgency: string }[];
  const shown = Object.fromEntries(all.map((r) => [names([r])[0], r.urgency]));
  t.deepEqual(shown, { semi: 'semi_urgent', semiXuhui: 'semi_urgent', newUrgent: 'urgent', newNormal: 'normal', oldUrgent: 'urgent', oldNormal: 'normal', oldBare: 'normal' });

  t.deepEqual(await search('urgency=semi_urgent'), ['semi', 'semiXuhui']);
  t.deepEqual(await search('urgency=urgent'), ['newUrgent', 'oldUrgent']);
  t.deepEqual(await search('urgency=normal'), ['newNormal', 'oldBare', 'oldNormal']);
  // The dispatcher's "what must be done today": 紧急 and 次紧急 together (order and spaces do not matter).
  t.deepEqual(await search('urgency=urgent,semi_urgent'), ['newUrgent', 'oldUrgent', 'semi', 'semiXuhui']);
  t.deepEqual(await search(`urgency=${encodeURIComponent('semi_urgent, urgent')}`), ['newUrgent', 'oldUrgent', 'semi', 'semiXuhui']);
  t.deepEqual(await search('urgency=semi_urgent,normal'), ['newNormal', 'oldBare', 'oldNormal', 'semi', 'semiXuhui']);
  t.is((await search('urgency=urgent,semi_urgent,normal')).length, 7);
  // An empty list is no filter, as for status=.
  t.is((await search('urgency=')).length, 7);
  // With the other filters: still open (all are 已提交 here), one district, oldest first, paged.
  t.deepEqual(await search('urgency=urgent,semi_urgent&status=submitted&district=310104'), ['semiXuhui']);
  t.deepEqual(await search('urgency=semi_urgent&status=resolved'), []);
  const asc = (await s.request('GET', '/api/v1/admin/reports?urgency=urgent,semi_urgent&sort=asc&limit=3', { token: admin.token })).body;
  t.is(asc.items.length, 3);
  const rest = (await s.request('GET', `/api/v1/admin/reports?urgency=urgent,semi_urgent&sort=asc&limit=3&cursor=${asc.nextCursor}`, { token: admin.token })).body;
  t.deepEqual(names([...asc.items, ...rest.items]), ['newUrgent', 'oldUrgent', 'semi', 'semiXuhui']);
  t.is(rest.nextCursor, null);
});

test('urgent=1 works as before (紧急 only, by the stored flag), and together with urgency= both apply', async (t) => {
  t.deepEqual(await search('urgent=1'), ['newUrgent', 'oldUrgent']);
  t.deepEqual(await search('urgent=0'), ['newNormal', 'oldNormal', 'semi', 'semiXuhui']);
  t.deepEqual(await search('urgent=1&urgency=urgent,semi_urgent'), ['newUrgent', 'oldUrgent']);
  t.deepEqual(await search('urgent=1&urgency=semi_urgent'), []);
});

test('a district-scoped account gets only its district within the level', async (t) => {
  const huangpu = await createStaff(s, admin.token, { roles: ['operator'], districts: ['310101'] });
  t.deepEqual(await search('urgency=semi_urgent', huangpu.token), ['semi']);
});

test('bad levels are refused with 400 VALIDATION_FAILED naming the field, in Chinese; on the export too (an error, not a file)', async (t) => {
  for (const path of ['/api/v1/admin/reports', '/api/v1/admin/reports/export']) {
    for (const value of ['urgentish', 'urgent,soon', 'URGENT', '次紧急']) {
      const res = await s.request('GET', `${path}?urgency=${encodeURIComponent(value)}`, { token: admin.token });
      t.is(res.status, 400, `${path} ${value}`);
      t.regex(res.headers.get('content-type') ?? '', /json/, 'an error, not a file');
      t.is(res.body.error.code, 'VALIDATION_FAILED');
      const detail = res.body.error.details.find((d: { path: string }) => d.path.startsWith('urgency.'));
      t.truthy(detail, JSON.stringify(res.body));
      t.is(detail.code, 'invalid_enum_value');
      t.regex(detail.message, /紧急程度只能是/);
    }
  }
});

async function readXlsx(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

test('the exports take the same filter: CSV and XLSX list exactly the chosen levels, with their 紧急程度', async (t) => {
  const csv = await s.request('GET', '/api/v1/admin/reports/export?format=csv&urgency=urgent,semi_urgent', { token: admin.token });
  t.is(csv.status, 200);
  const [header, ...lines] = (csv.body as Buffer).toString('utf8').replace('\uFEFF', '').trim().split('\r\n').map((l) => l.split(','));
  const level = header.indexOf('紧急程度');
  const byTicket = Object.fromEntries(lines.map((l) => [l[0], l[level]]));
  t.deepEqual(byTicket, {
    [ids.semi.ticketNo]: '次紧急', [ids.semiXuhui.ticketNo]: '次紧急', [ids.newUrgent.ticketNo]: '紧急', [ids.oldUrgent.ticketNo]: '紧急',
  });

  const xlsx = await readXlsx((await s.request('GET', '/api/v1/admin/reports/export?format=xlsx&urgency=normal', { token: admin.token })).body);
  t.deepEqual(xlsx.slice(1).map((r) => r[0]).sort(), [ids.newNormal.ticketNo, ids.oldNormal.ticketNo, ids.oldBare.ticketNo].sort());
  t.true(xlsx.slice(1).every((r) => r[xlsx[0].indexOf('紧急程度')] === '普通'));
});
