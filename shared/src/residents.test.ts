import test from 'ava';
import { checkAnswers, emergencyCallsFor, ErrorCodes, ErrorMessagesEn, fieldMessageEn, questionsSchema, STATUS_LABELS, STATUS_LABELS_EN, timelineMessageEn, type Question } from './index';

test('every error code and every status has an English text', (t) => {
  for (const code of Object.keys(ErrorCodes)) t.truthy(ErrorMessagesEn[code as keyof typeof ErrorCodes], code);
  for (const status of Object.keys(STATUS_LABELS)) t.truthy(STATUS_LABELS_EN[status as keyof typeof STATUS_LABELS_EN], status);
});

test('field messages in English: exact texts, texts with numbers, and a fallback that names the code', (t) => {
  t.is(fieldMessageEn({ path: 'description', code: 'too_small', message: '问题描述至少 5 个字' }), 'The description needs at least 5 characters');
  t.is(fieldMessageEn({ path: 'location.address', code: 'location_required', message: '请开启定位或填写问题发生的地址' }), 'Please allow location or type the address where the problem is');
  t.is(fieldMessageEn({ path: 'x', code: 'weird', message: '某个没有翻译的句子' }), 'Invalid value (weird)');
  t.is(fieldMessageEn({ path: 'answers.a', code: 'blocked', message: 'Call 962777' }), 'Call 962777', 'already English stays');
  // 补充信息 with photos, and 更正分类: English, not "Invalid value (…)".
  t.is(fieldMessageEn({ path: 'mediaIds', code: 'too_big', message: '最多补充 9 张照片' }), 'At most 9 photos can be added');
  t.is(fieldMessageEn({ path: 'mediaIds.0', code: 'media_not_owned', message: '图片不存在或不属于您' }), 'A photo does not exist or is not yours');
  t.is(fieldMessageEn({ path: 'mediaIds.0', code: 'media_not_owned', message: '图片不存在或不是您上传的' }), 'A photo does not exist or was not uploaded by you');
  t.is(fieldMessageEn({ path: 'reason', code: 'required', message: '请填写更正原因' }), 'Please say why the category is corrected');
  t.is(fieldMessageEn({ path: 'reason', code: 'too_big', message: '原因不能超过 200 个字' }), 'The reason must be 200 characters or fewer');
  t.is(timelineMessageEn('您已撤回诉求：已自行解决'), 'You withdrew the report: 已自行解决');
  t.is(timelineMessageEn('处理完毕，已更换灯泡'), '处理完毕，已更换灯泡', "staff replies are left as written");
});

test('every text the server writes into a resident\'s timeline or messages has an English form', (t) => {
  const cases: [string, string][] = [
    ['诉求已提交，工单号 SH20261129-000001，将转交黄浦区相关部门处理', 'Report submitted, ticket SH20261129-000001; it will go to the departments of Huangpu District'],
    ['诉求已提交，工单号 SH20261129-000001，将转交浦东新区相关部门处理', 'Report submitted, ticket SH20261129-000001; it will go to the departments of Pudong New Area'],
    ['12345 热线已受理您的诉求', 'The 12345 hotline accepted the report'],
    ['12345 热线已受理该诉求', 'The 12345 hotline accepted the report'],
    ['已派发至承办部门', 'Assigned to the department in charge'],
    ['已派发至区城管执法局', 'Assigned to 区城管执法局'],
    ['承办部门正在办理', 'The department is working on it'],
    ['承办部门退回，等待重新派单', 'Returned by the department; waiting to be assigned again'],
    ['诉求已关闭', 'The report is closed'],
    ['已办结', 'Resolved'],
    ['您已撤回诉求', 'You withdrew the report'],
    ['您申请了重新办理', 'You asked for it to be handled again'],
    ['您催办了此诉求', 'You sent a reminder'],
    ['您催办了此诉求：快点吧', 'You sent a reminder: 快点吧'],
    ['您的评价：基本满意。还行', 'Your rating: basically satisfied. 还行'],
    ['您的评价：不满意', 'Your rating: not satisfied'],
    ['您补充了信息：（照片）', 'You added information: (photos)'],
    ['提交人补充了信息：晚上更吵', 'The reporter added information: 晚上更吵'],
    ['提交人申请重新办理：灯又坏了', 'The reporter asked for it to be handled again: 灯又坏了'],
    ['提交人已撤回诉求：已解决', 'The reporter withdrew the report: 已解决'],
    ['与诉求 SH20261129-000002 为同一问题，已合并办理，进展请在该诉求中查看', 'The same problem as report SH20261129-000002: merged into it; follow the progress there'],
    ['办结 7 天内未申请重新办理，诉求自动关闭', 'Closed automatically: no request to reopen within 7 days of resolution'],
    ['已超过办理时限，已督办承办部门', 'Past its deadline; the department has been pressed to act'],
    ['分类已调整为：噪声扰民 / 夜间施工（原分类已并入此分类）', 'The category is now 噪声扰民 / 夜间施工 (its former category was merged into it)'],
    ['工作人员确认分类：市容环境 / 道路破损', 'Staff confirmed the category: 市容环境 / 道路破损'],
    ['工作人员将分类调整为：市容环境 / 道路破损', 'Staff set the category to 市容环境 / 道路破损'],
    ['工作人员更正分类：市容环境 / 道路破损 → 噪声扰民 / 夜间施工', 'Staff corrected the category: 市容环境 / 道路破损 → 噪声扰民 / 夜间施工'],
    ['工作人员更正分类：未分类 → 噪声扰民 / 夜间施工', 'Staff corrected the category: none → 噪声扰民 / 夜间施工'],
  ];
  for (const [zh, en] of cases) t.is(timelineMessageEn(zh), en, zh);
});

const questions: Question[] = questionsSchema.parse([
  { code: 'pole', type: 'text', label: '灯杆编号', required: true, options: [{ value: '看不到编号', label: '看不到编号' }] },
  { code: 'when', type: 'single', label: '何时', required: false, options: [{ value: 'day', label: '白天' }, { value: 'night', label: '夜间' }] },
  { code: 'kinds', type: 'multi', label: '类型', required: false, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
  { code: 'floor', type: 'number', label: '楼层', required: false, min: -5, max: 200 },
  { code: 'gas', type: 'blocking', label: '闻到燃气味？', required: true, blockMessage: '请拨打 962777', blockMessageEn: 'Call 962777' },
  { code: 'note', type: 'notice', label: '请勿拍摄人脸' },
]);

test('answers: required, choices, numbers, 紧急提示 yes/no; cleaned output; issues carry answers.<code>', (t) => {
  const ok = checkAnswers(questions, { pole: ' 看不到编号 ', when: 'night', kinds: ['a', 'a', 'b'], floor: '12', gas: false, gone: 'x' });
  t.deepEqual(ok.issues, []);
  t.deepEqual(ok.answers, { pole: '看不到编号', when: 'night', kinds: ['a', 'b'], floor: 12, gas: false });
  const bad = checkAnswers(questions, { when: 'evening', kinds: ['c'], floor: 999, gas: true });
  t.deepEqual(bad.issues.map((i) => [i.path, i.code]), [
    ['answers.pole', 'answer_required'],
    ['answers.when', 'invalid_option'],
    ['answers.kinds', 'invalid_option'],
    ['answers.floor', 'out_of_range'],
  ]);
  // 紧急提示 "yes" is an answer, not an issue: the report goes in (the app shows the call buttons).
  t.deepEqual(checkAnswers(questions, { gas: true, pole: '1' }, 'en'), { answers: { gas: true, pole: '1' }, issues: [] });
  t.like(checkAnswers(questions, { gas: 'yes', pole: '1' }).issues[0], { path: 'answers.gas', code: 'invalid_answer' });
  t.is(checkAnswers(questions, {}, 'en').issues[0].message, 'Please answer this question');
});

test('question definitions are checked: options for choices, a message for blocking, unique codes', (t) => {
  const r = questionsSchema.safeParse([
    { code: 'a', type: 'single', label: 'x' },
    { code: 'a', type: 'blocking', label: 'y' },
  ]);
  t.false(r.success);
  const paths = r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  t.true(paths.includes('0.options'));
  t.true(paths.includes('1.blockMessage'));
});

test('call numbers: gas → 119 and 962777; a question\'s message adds the numbers it names; else the one number', (t) => {
  const numbers = (reasons: string[], named?: string) => emergencyCallsFor(reasons, named).map((c) => c.number);
  t.deepEqual(numbers(['煤气味']), ['119', '962777']);
  t.deepEqual(numbers(['现在是否闻到燃气味？'], '燃气泄漏请立即离开并拨打 962777（上海燃气抢修）'), ['119', '962777']);
  t.deepEqual(numbers(['起火']), ['119']);
  t.deepEqual(numbers(['有人昏迷']), ['120']);
  t.deepEqual(numbers(['是否有人被困'], '请拨打 110'), ['110']);
  t.deepEqual(numbers(['持刀']), ['110']);
  t.deepEqual(numbers(['电梯困人'], '请拨打 96333 电梯应急'), ['96333']);
});
