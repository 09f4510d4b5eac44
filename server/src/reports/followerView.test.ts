import test from 'ava';
import { presentForFollower, presentReport } from './reportPresenter';
import { createMediaSigner } from '../media/mediaSigner';
import type { ReportDoc } from './reportRepository';

const at = (s: string) => new Date(`2026-11-20T${s}:00Z`);
const secretComment = '师傅态度好，我住 3 号楼 402，电话 13900001111';

/** A report with everything a reporter can put in it: phone, photos, words, follow-ups, a rating with a comment. */
const doc = {
  _id: '5f2c0a9be1d4c3b2a1908f7e',
  ticketNo: 'SH20261120-000042',
  citizenId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  kind: 'complaint',
  status: 'closed',
  description: '我家楼下 3 号楼 402 门口的窨井盖松了，联系我 13812345678',
  descriptionPublic: false,
  citizenCategory: { code: 'manhole_cover', name: '窨井盖' },
  category: { code: 'manhole_cover', name: '窨井盖', parentCode: 'municipal', parentName: '市政设施' },
  classification: { top3: [] },
  urgent: true,
  location: { lat: 31.2304, lng: 121.4737, coordSystem: 'gcj02', accuracy: 10, address: '黄浦区人民大道200号3号楼' },
  point: { lat: 31.2304, lng: 121.4737 },
  district: { code: '310101', name: '黄浦区' },
  needsManualRouting: false,
  mediaIds: ['64b000000000000000000001'],
  contactPhone: '13812345678',
  anonymous: true,
  supporters: 2,
  department: '黄浦区市政所',
  dueAt: at('12:00'),
  overdueAt: null,
  rating: { value: 'satisfied', comment: secretComment },
  mergedInto: null,
  timeline: [
    { at: at('01:00'), status: 'submitted', actor: 'citizen', message: '诉求已提交' },
    { at: at('02:00'), status: 'accepted', actor: 'pipeline', message: '已受理' },
    { at: at('03:00'), status: 'accepted', actor: 'citizen', message: '补充：我的电话 13812345678', mediaIds: ['64b000000000000000000002'] },
    { at: at('04:00'), status: 'resolved', actor: 'admin', message: '已更换井盖', mediaIds: ['64b000000000000000000003'] },
    { at: at('05:00'), status: 'closed', actor: 'citizen', message: `评价：满意。${secretComment}` },
  ],
  createdAt: at('01:00'),
  updatedAt: at('05:00'),
} as unknown as ReportDoc;

test('the follower view, every field: progress and what a passer-by could see, nothing of the reporter', (t) => {
  t.deepEqual(presentForFollower(doc), {
    id: '5f2c0a9be1d4c3b2a1908f7e',
    viewer: 'follower',
    supporters: 2,
    mergedInto: null,
    ticketNo: 'SH20261120-000042',
    kind: 'complaint',
    status: 'closed',
    statusLabel: '已关闭',
    description: '',
    category: { code: 'manhole_cover', name: '窨井盖', parentCode: 'municipal', parentName: '市政设施' },
    urgent: true,
    urgency: 'urgent',
    department: '黄浦区市政所',
    dueAt: at('12:00').toISOString(),
    overdue: false,
    rating: null,
    allowedActions: { withdraw: false, urge: false, supplement: false, rate: false, reopen: false },
    citizenCategory: null,
    location: { address: '黄浦区人民大道' },
    district: { code: '310101', name: '黄浦区' },
    needsManualRouting: false,
    mediaIds: [],
    media: [],
    answers: {},
    questions: [],
    zone: null,
    contactPhone: null,
    anonymous: false,
    createdAt: at('01:00').toISOString(),
    updatedAt: at('05:00').toISOString(),
    timeline: [
      { at: at('02:00').toISOString(), status: 'accepted', actor: 'pipeline', message: '已受理' },
      { at: at('04:00').toISOString(), status: 'resolved', actor: 'admin', message: '已更换井盖' },
    ],
  });
});

test('presentReport with follower: true is exactly that view; no trace of phone, rating comment, words or photos', (t) => {
  const signer = createMediaSigner('x'.repeat(32));
  const view = presentReport(doc, signer, { follower: true });
  t.deepEqual(view, presentForFollower(doc));
  const json = JSON.stringify(view);
  for (const secret of ['13812345678', '13900001111', '402', secretComment, '64b0000000000000000000', '31.23', '121.47', '200号']) t.false(json.includes(secret), secret);
  // The owner still sees all of it.
  const owner = presentReport(doc, signer);
  t.is(owner.rating?.comment, secretComment);
  t.is(owner.mediaIds.length, 1);
});

test('a description staff made public is shown to followers', (t) => {
  t.is(presentForFollower({ ...doc, descriptionPublic: true } as ReportDoc).description, doc.description);
});
