import test from 'ava';
import { canTransition, createReportSchema, isValidPhone, maskPhone, REPORT_STATUSES, STATUS_LABELS, toFieldIssues, TRANSITIONS, validate } from './index';

test('phone numbers: mobiles and landlines pass, junk fails, masking hides the middle', (t) => {
  for (const ok of ['13812345678', '+86 138 1234 5678', '021-12345678', '12345678', '021-12345678-123']) t.true(isValidPhone(ok), ok);
  for (const bad of ['12345', '23812345678', 'abc', '1381234567']) t.false(isValidPhone(bad), bad);
  t.is(maskPhone('13812345678'), '138****5678');
  t.is(maskPhone('021-12345678'), '********5678');
});

test('every status has a label and a transition entry; terminal states lead nowhere', (t) => {
  for (const s of REPORT_STATUSES) {
    t.truthy(STATUS_LABELS[s]);
    t.true(Array.isArray(TRANSITIONS[s]));
  }
  for (const s of ['rejected', 'closed', 'withdrawn'] as const) t.is(TRANSITIONS[s].length, 0);
});

test('transitions check the actor', (t) => {
  t.true(canTransition('submitted', 'accepted', 'admin'));
  t.false(canTransition('submitted', 'accepted', 'citizen'));
  t.true(canTransition('submitted', 'withdrawn', 'citizen'));
  t.false(canTransition('dispatched', 'withdrawn', 'citizen'), 'no withdrawal after dispatch');
  t.true(canTransition('resolved', 'reopened', 'citizen'));
  t.false(canTransition('closed', 'reopened', 'citizen'));
});

test('the report schema trims, defaults and normalises', (t) => {
  const r = validate(createReportSchema, {
    kind: 'complaint',
    description: '  小区门口有人占道经营  ',
    location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02' },
    contactPhone: '138 1234 5678',
  });
  t.true(r.success);
  if (!r.success) return;
  t.is(r.data.description, '小区门口有人占道经营');
  t.deepEqual(r.data.mediaIds, []);
  t.is(r.data.anonymous, false);
  t.is(r.data.contactPhone, '13812345678');
});

test('whitespace does not count towards the minimum description length', (t) => {
  const r = validate(createReportSchema, { kind: 'complaint', description: '  吵    ', location: { lat: 31.2, lng: 121.4, coordSystem: 'gcj02' } });
  t.false(r.success);
  if (r.success) return;
  const issues = toFieldIssues(r.error);
  t.deepEqual(issues.map((i) => [i.path, i.code]), [['description', 'too_small']]);
  t.regex(issues[0].message, /至少 5 个字/);
});

test('schema-level messages win over the Chinese fallback, which covers the rest', (t) => {
  const r = validate(createReportSchema, { kind: 'snap', description: 5, mediaIds: [1], location: { lat: 1, lng: 2, coordSystem: 'gcj02' } });
  t.false(r.success);
  if (r.success) return;
  const byPath = Object.fromEntries(toFieldIssues(r.error).map((i) => [i.path, i.message]));
  t.is(byPath.description, '补充说明必须是文字');
  t.regex(byPath['mediaIds.0'], /类型不正确/);
});
