/**
 * Stable error codes shared by server and app. The server always answers
 * `{ error: { code, message, details? } }`; the app maps codes, never messages.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: '请求内容有误，请检查标出的字段',
  UNAUTHENTICATED: '请先登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '找不到请求的内容',
  REPORT_NOT_FOUND: '找不到这条诉求',
  MEDIA_NOT_FOUND: '找不到这张图片',
  MEDIA_MISSING_FILE: '请选择要上传的图片（表单字段 file）',
  MEDIA_UNSUPPORTED_TYPE: '仅支持 JPEG、PNG、WebP 格式的图片',
  MEDIA_TOO_LARGE: '图片不能超过 10 MB',
  MEDIA_CORRUPT: '图片文件已损坏，无法读取',
  MEDIA_NOT_OWNED: '所附图片不存在或不属于当前用户',
  IDEMPOTENCY_KEY_INVALID: '请求缺少有效的 Idempotency-Key（应为 UUID）',
  IDEMPOTENCY_KEY_REUSED: '这份诉求之前已经提交成功，修改后的内容还没有发送',
  INVALID_CREDENTIALS: '用户名或密码错误',
  WECHAT_LOGIN_FAILED: '微信登录失败，请稍后重试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后重试',
  CATEGORY_NOT_FOUND: '找不到这个分类',
  CATEGORY_CODE_TAKEN: '这个分类编码已被使用（编码不能重复，也不能重新使用已删除的编码）',
  CATEGORY_PARENT_INVALID: '上级分类不存在或不是一级分类（分类只有两级）',
  CATEGORY_IN_USE: '该分类已有诉求或下级分类，不能删除；请停用或合并到其他分类',
  CATEGORY_MERGE_INVALID: '不能这样合并：只能把分类合并到另一个启用的同级分类',
  CATEGORY_HAS_ENABLED_CHILDREN: '请先停用或合并该一级分类下的所有二级分类',
  CATEGORY_DISABLED: '该分类已停用',
  TRIAGE_NOT_PENDING: '这条诉求不在待分拣队列中（可能已被其他人处理）',
  CATEGORY_CHANGED: '这条诉求的分类刚被其他人改过，请刷新后再看',
  CLASSIFIER_BUSY: '模型正在训练中，请稍后再试',
  ILLEGAL_TRANSITION: '当前状态下不能进行这个操作',
  REASON_REQUIRED: '请填写原因',
  REPLY_REQUIRED: '办结时请填写处理答复',
  URGE_TOO_EARLY: '提交满 24 小时或超过办理时限后可以催办，每 24 小时最多催办一次',
  REOPEN_WINDOW_CLOSED: '办结已超过 7 天，不能再申请重新办理',
  RATING_NOT_ALLOWED: '诉求办结后才能评价，且只能评价一次',
  PIPELINE_SIGNATURE_INVALID: '签名校验失败',
  PIPELINE_TIMESTAMP_STALE: '请求时间戳超出允许范围（±5 分钟）',
  DELIVERY_NOT_DEAD: '这条投递不在失败队列中',
  TEMPLATE_UNKNOWN: '订阅的消息模板不存在',
  NOT_A_DUPLICATE_TARGET: '只能加入或合并到仍在办理中的诉求',
  MERGE_INVALID: '不能这样合并：两条诉求须不同，且都未结束',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  ACCOUNT_LOCKED: '密码错误次数过多，账号已临时锁定，请 15 分钟后再试',
  TOKEN_REVOKED: '登录已失效（已退出、账号被修改或停用），请重新登录',
  ACCOUNT_DISABLED: '账号已停用，请联系管理员',
  PASSWORD_CHANGE_REQUIRED: '请先修改初始密码',
  PASSWORD_TOO_WEAK: '新密码不符合要求',
  CURRENT_PASSWORD_WRONG: '当前密码不正确',
  USERNAME_TAKEN: '这个用户名已被使用',
  STAFF_NOT_FOUND: '找不到这个账号',
  LAST_ADMIN: '不能停用或降级最后一个启用的系统管理员',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  INVALID_JSON: '请求体不是有效的 JSON',
  METHOD_NOT_ALLOWED: '该地址不支持这种请求方法',
  DATABASE_UNAVAILABLE: '服务暂时不可用，请稍后重试',
  INTERNAL: '服务器开小差了，请稍后重试',
  ZONE_NOT_ACTIVE: '该专区已关闭或不存在',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface FieldIssue {
  /** dotted path of the failing field, e.g. `location.lat` or `mediaIds.2` */
  path: string;
  /** machine-readable reason, e.g. `too_small`, `invalid_phone` */
  code: string;
  /** Chinese message meant for residents */
  message: string;
}

export interface ApiErrorBody {
  /** `existing`: with IDEMPOTENCY_KEY_REUSED, the resident's report already filed under that key. */
  error: { code: ErrorCode; message: string; details?: FieldIssue[]; existing?: { id: string; ticketNo: string } };
}
