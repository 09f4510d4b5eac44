import type { ErrorCode, FieldIssue } from './errors';

/**
 * English texts for residents whose app or browser asks for English
 * (`Accept-Language: en`). Codes never change with the language; only
 * `message` does. A shared test fails when a code has no English text.
 */
export const ErrorMessagesEn: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'Some fields need attention: please check the marked ones',
  UNAUTHENTICATED: 'Please sign in first',
  TOKEN_EXPIRED: 'Your session has expired, please sign in again',
  FORBIDDEN: 'You are not allowed to do this',
  NOT_FOUND: 'Not found',
  REPORT_NOT_FOUND: 'This report cannot be found',
  MEDIA_NOT_FOUND: 'This photo cannot be found',
  MEDIA_MISSING_FILE: 'Please choose a photo to upload (form field "file")',
  MEDIA_UNSUPPORTED_TYPE: 'Only JPEG, PNG and WebP photos are supported',
  MEDIA_TOO_LARGE: 'Photos must be 10 MB or smaller',
  MEDIA_CORRUPT: 'The photo file is damaged and cannot be read',
  MEDIA_NOT_OWNED: 'An attached photo does not exist or is not yours',
  IDEMPOTENCY_KEY_INVALID: 'The request lacks a valid Idempotency-Key (a UUID)',
  IDEMPOTENCY_KEY_REUSED: 'This report was already filed; your changes were not sent',
  INVALID_CREDENTIALS: 'Wrong user name or password',
  WECHAT_LOGIN_FAILED: 'WeChat sign-in failed, please try again later',
  WECHAT_UNAVAILABLE: 'WeChat is unavailable at the moment, please try again later',
  CATEGORY_NOT_FOUND: 'This category cannot be found',
  CATEGORY_CODE_TAKEN: 'This category code is taken (codes are never reused)',
  CATEGORY_PARENT_INVALID: 'The parent category does not exist or is not a first-level category',
  CATEGORY_IN_USE: 'This category is in use and cannot be deleted; disable or merge it instead',
  CATEGORY_MERGE_INVALID: 'Categories can only be merged into another enabled category of the same level',
  CATEGORY_HAS_ENABLED_CHILDREN: 'Disable or merge all its second-level categories first',
  CATEGORY_DISABLED: 'This category is disabled',
  TRIAGE_NOT_PENDING: 'This report is no longer waiting for triage',
  CATEGORY_CHANGED: 'Someone else has just changed this report\'s category; reload and look again',
  CLASSIFIER_BUSY: 'The model is training, please try again shortly',
  ILLEGAL_TRANSITION: 'This is not possible in the current state',
  REASON_REQUIRED: 'Please give a reason',
  REPLY_REQUIRED: 'Please write the reply when resolving',
  URGE_TOO_EARLY: 'You can send a reminder 24 hours after filing or once the deadline has passed, and at most once every 24 hours',
  REOPEN_WINDOW_CLOSED: 'More than 7 days have passed since it was resolved; it can no longer be reopened',
  RATING_NOT_ALLOWED: 'You can rate a report once, after it is resolved',
  PIPELINE_SIGNATURE_INVALID: 'Signature check failed',
  PIPELINE_TIMESTAMP_STALE: 'Request timestamp out of range (±5 minutes)',
  DELIVERY_NOT_DEAD: 'This delivery is not in the failed queue',
  TEMPLATE_UNKNOWN: 'Unknown message template',
  NOT_A_DUPLICATE_TARGET: 'You can only join or merge into a report that is still open',
  MERGE_INVALID: 'These reports cannot be merged: they must differ and both be open',
  RATE_LIMITED: 'Too many requests, please try again later',
  PAYLOAD_TOO_LARGE: 'The request is too large',
  INVALID_JSON: 'The request body is not valid JSON',
  DATABASE_UNAVAILABLE: 'The service is unavailable at the moment, please try again later',
  INTERNAL: 'Something went wrong on our side, please try again later',
  METHOD_NOT_ALLOWED: 'This method is not allowed here',
  ACCOUNT_LOCKED: 'Too many wrong passwords: the account is locked for 15 minutes',
  TOKEN_REVOKED: 'Your session has ended (signed out, or the account was changed or disabled). Please sign in again',
  ACCOUNT_DISABLED: 'This account is disabled; please contact an administrator',
  PASSWORD_CHANGE_REQUIRED: 'Please change your initial password first',
  PASSWORD_TOO_WEAK: 'The new password does not meet the requirements',
  CURRENT_PASSWORD_WRONG: 'The current password is wrong',
  USERNAME_TAKEN: 'This username is already taken',
  STAFF_NOT_FOUND: 'No such account',
  LAST_ADMIN: 'The last active administrator cannot be disabled or demoted',
  ZONE_NOT_ACTIVE: 'This themed section is closed or does not exist',
};

/** Field messages written in the shared schemas, in English (exact texts). */
const FIELD_EN: Record<string, string> = {
  此项必填: 'This field is required',
  格式不正确: 'Invalid format',
  图片编号无效: 'Invalid photo id',
  专区编号无效: 'Invalid themed-section id',
  分类编码格式不正确: 'Invalid category code',
  同一张图片不能重复添加: 'The same photo cannot be added twice',
  '地址不能超过 200 个字': 'The address must be 200 characters or fewer',
  '坐标系只能是 gcj02 或 wgs84': 'The coordinate system must be gcj02 or wgs84',
  定位精度不能为负: 'Accuracy cannot be negative',
  纬度超出范围: 'Latitude out of range',
  经度超出范围: 'Longitude out of range',
  经纬度需同时提供: 'Latitude and longitude must be given together',
  '诉求类型只能是 complaint（我要反映）或 snap（随申拍）': 'The report kind must be complaint or snap',
  请填写正确的手机号或固定电话: 'Please enter a valid mobile or landline number',
  请开启定位或填写问题发生的地址: 'Please allow location or type the address where the problem is',
  请至少上传一张照片: 'Please add at least one photo',
  '请说明坐标系（gcj02 或 wgs84）': 'Please give the coordinate system (gcj02 or wgs84)',
  位置格式不正确: 'Invalid location',
  '匿名选项必须是是/否': 'Anonymous must be true or false',
  图片列表格式不正确: 'Invalid photo list',
  地址必须是文字: 'The address must be text',
  定位精度必须是数字: 'Accuracy must be a number',
  纬度必须是数字: 'Latitude must be a number',
  经度必须是数字: 'Longitude must be a number',
  联系电话格式不正确: 'Invalid phone number',
  补充说明必须是文字: 'The note must be text',
  请描述您遇到的问题: 'Please describe the problem',
  请提供问题发生的位置: 'Please give the location of the problem',
  问题描述必须是文字: 'The description must be text',
  请填写撤回原因: 'Please give a reason for withdrawing',
  请说明需要重新办理的原因: 'Please say why it should be handled again',
  '请选择满意、基本满意或不满意': 'Please choose satisfied, basically satisfied or unsatisfied',
  请填写补充内容或添加照片: 'Please add a note or a photo',
  '补充内容不能超过 500 个字': 'The note must be 500 characters or fewer',
  '图片不存在或不属于您，请重新上传': 'A photo does not exist or is not yours; please upload it again',
  所选分类不存在或已停用: 'The chosen category does not exist or is disabled',
  '请输入“删除”以确认删除您的个人信息': 'Type “删除” to confirm deleting your personal data',
  该分类不属于此专区: 'This category is not offered in this themed section',
  // 补充信息 photos (server reports/ticketService.ts)
  图片不存在或不属于您: 'A photo does not exist or is not yours',
  图片不存在或不是您上传的: 'A photo does not exist or was not uploaded by you',
  // Passwords (server auth/passwords.ts, auth/authService.ts; shared/schemas.ts), shown on the web's sign-in and password pages
  请输入密码: 'Please enter the password',
  密码不能包含用户名: 'The password must not contain the user name',
  '这个密码太容易被猜到（常见密码、连续数字或键盘顺序），请换一个，例如几个不相关的词连起来':
    'This password is too easy to guess (a common password, a run of digits or a keyboard pattern); choose another, for example a few unrelated words together',
  当前密码不正确: 'The current password is wrong',
  新密码不能与当前密码相同: 'The new password must differ from the current one',
  // Triage and 更正分类 (server reports/reportService.ts; shared/categorySchemas.ts)
  请填写更正原因: 'Please say why the category is corrected',
  已经是这个分类了: 'The report is already in this category',
  请选择一个启用的二级分类: 'Please choose an enabled second-level category',
};

const FIELD_PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^问题描述至少 (\d+) 个字$/, (m) => `The description needs at least ${m[1]} characters`],
  [/^问题描述不能超过 (\d+) 个字$/, (m) => `The description must be ${m[1]} characters or fewer`],
  [/^补充说明不能超过 (\d+) 个字$/, (m) => `The note must be ${m[1]} characters or fewer`],
  [/^最多上传 (\d+) 张照片$/, (m) => `At most ${m[1]} photos`],
  [/^最多补充 (\d+) 张照片$/, (m) => `At most ${m[1]} photos can be added`],
  [/^密码至少 (\d+) 个字符$/, (m) => `The password needs at least ${m[1]} characters`],
  [/^原因不能超过 (\d+) 个字$/, (m) => `The reason must be ${m[1]} characters or fewer`],
  [/^至少 (\d+) 个字$/, (m) => `At least ${m[1]} characters`],
  [/^不能超过 (\d+) 个字$/, (m) => `${m[1]} characters at most`],
  [/^包含无法识别的字段：(.*)$/, (m) => `Unrecognised fields: ${m[1].replace(/、/g, ', ')}`],
  [/^取值无效，可选：(.*)$/, (m) => `Invalid value; choose one of: ${m[1].replace(/、/g, ', ')}`],
  [/^类型不正确/, () => 'Wrong type'],
];

/** English for one field message; messages without a translation get one by their machine code. */
export function fieldMessageEn(issue: FieldIssue): string {
  if (FIELD_EN[issue.message]) return FIELD_EN[issue.message];
  for (const [re, fn] of FIELD_PATTERNS) {
    const m = issue.message.match(re);
    if (m) return fn(m);
  }
  // Already English (the answers checker writes both languages), or unknown: keep non-Chinese text, else say what failed.
  if (!/[\u4e00-\u9fff]/.test(issue.message)) return issue.message;
  return `Invalid value (${issue.code})`;
}

export type Language = 'zh-CN' | 'en';
