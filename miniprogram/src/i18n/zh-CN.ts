/** Chinese texts of the resident app (the source language). Keys are grouped by screen. */
export const zhCN = {
  tabs: { home: '首页', mine: '我的诉求' },
  // Navigation bar titles (lib/pageTitle.ts); the page configs hold the Chinese ones for the mini-program's JSON.
  titles: {
    home: '随申拍 · 12345', tickets: '我的诉求', complaint: '我要反映', snap: '随申拍', success: '提交成功', detail: '诉求详情', messages: '消息通知', login: '登录', profile: '个人信息',
  },
  common: {
    loading: '加载中…', noMore: '没有更多了', retryTap: '{{error}}，点此重试', cancel: '取消', submit: '提交', back: '返回首页',
    networkFailed: '网络连接失败，请检查网络后重试', serviceDown: '服务暂时不可用，请稍后重试', loadFailed: '加载失败，请重试', actionFailed: '操作失败，请重试',
    needLogin: '请先登录', uploadFailed: '上传失败，请重试', uploadNetwork: '网络不稳定，图片未能上传',
    uploadInterrupted: '上传中断，请重试', submitInterrupted: '上次提交未完成，请再次提交（不会重复）', noSuggestion: '暂时无法推荐分类',
    listSep: '、', kindSnap: '随申拍', kindComplaint: '我要反映', yes: '是', no: '否',
  },
  home: {
    title: '随申拍 · 12345 市民诉求', sub: '发现身边问题，随手反映，全程可查',
    draftWaiting: '您有一条未提交的诉求草稿，点此继续填写',
    complaint: '我要反映', complaintDesc: '描述问题，可附照片，12345 热线受理',
    snap: '随申拍', snapDesc: '拍下身边的问题，自动定位，三步提交',
    mine: '我的诉求', mineDesc: '查看办理进度、补充信息、评价',
    messages: '消息通知', messagesDesc: '受理、派单、办结等进度提醒', unread: '{{count}} 条未读消息',
    staff: '您已作为工作人员登录，点此进入管理后台',
    staffEntry: '工作人员入口',
    emergency: '紧急情况请直接拨打 110 / 119 / 120。非紧急诉求也可拨打 12345 热线。',
    call12345: '拨打 12345 热线', zones: '专区',
    elderOn: '长辈模式', elderOff: '标准模式', elderSwitch: '长辈模式（大字、简单）', language: 'English', switchLanguage: '切换为英文（English）',
  },
  elder: {
    complaint: '说说遇到的问题', snap: '拍照反映问题', mine: '看看办得怎样',
  },
  privacy: {
    title: '隐私说明',
    body: '为办理您的诉求，我们会收集：问题发生的位置（用于派给所在区的部门）、您上传的照片（已自动去除拍摄地点等信息）、您自愿留下的联系电话（仅用于工作人员核实）。保存多久：照片和电话随诉求保存，直到您删除个人信息；上传后未提交的照片 24 小时内自动删除；诉求内容作为政务服务档案保存。您可以在「我的诉求 → 个人信息」中随时下载或删除您的个人信息。',
    agree: '同意并继续', refuse: '不同意', refusedHint: '您可以不授权定位和相机：填写地址、不附照片也能反映问题。', change: '重新查看隐私说明',
  },
  form: {
    whatProblem: '遇到了什么问题？',
    descPlaceholder: '请描述问题的时间、地点和具体情况，例如：每天晚上10点后小区旁工地仍在施工，噪声很大。',
    chosen: '已选分类：{{name}}', suggested: '推荐分类：{{name}}', use: '选用',
    danger: '如有人身危险，请立即拨打 110 / 119 / 120。',
    photosOptional: '现场照片（可选）', where: '问题发生地点', contact: '联系方式',
    phoneLabel: '联系电话（可选）', phonePlaceholder: '便于工作人员联系您核实情况', phoneHint: '号码仅用于办理本诉求，页面上只显示部分数字',
    anonymous: '匿名反映', anonymousHint: '承办部门将看不到您的身份信息',
    description: '问题描述', questions: '补充信息', zone: '专区：{{title}}',
    snapTitle: '拍下问题', snapWhere: '位置', whatIsIt: '这是什么问题？（可选）', notSure: '不确定可以不选，工作人员会帮您归类',
    oneLine: '一句话说明（可选）', oneLinePlaceholder: '例如：人行道地砖松动',
    uploading: '照片正在上传，请稍候', uploadFailedSome: '有照片上传失败，请重试或删除',
    category: '分类', chooseCategory: '请选择分类',
  },
  fields: { description: '问题描述', mediaIds: '照片', location: '地点', contactPhone: '联系电话', answers: '补充信息', categoryCode: '分类' },
  emergency: {
    title: '情况紧急？请先打电话', call: '一键拨打 {{label}}', hint: '诉求仍可照常提交，相关部门会跟进处理。',
    n119: '火警 119', n120: '急救 120', n110: '报警 110',
  },
  submit: {
    similarTitle: '附近已有人反映', similarHint: '附近 200 米内，最近 7 天已有相似的诉求正在办理。加入后您会收到它的办理进度，不必重复提交。',
    distance: '{{status}} · 约 {{meters}} 米', place: '{{status}} · {{place}}', others: '已有 {{count}} 位市民反映', join: '是同一问题，加入关注（+1）', anyway: '不是同一问题，仍然提交',
    notSent: '提交未成功：', draftSafe: '。草稿已保存，可放心重试，不会重复提交。',
    submitting: '正在提交…', resubmit: '重新提交', submit: '提交诉求', missing: '还需完善：{{fields}}', saved: '草稿会自动保存在本机',
  },
  question: { textPlaceholder: '请填写', numberPlaceholder: '请填写数字', required: '（必填）', yes: '是', no: '否' },
  location: {
    locating: '正在获取位置…', coords: '经纬度 {{lat}}, {{lon}}', typeAddress: '请填写地址', outside: '不在上海市范围，将人工分派',
    accuracy: ' 精度约 {{meters}} 米', detailRequired: '请填写问题发生的详细地址', detailOptional: '补充门牌号、楼层等（可选）',
    addressPlaceholder: '例如：黄浦区人民大道200号东侧', addressLabel: '地址', relocate: '重新定位', onMap: '地图选点', openSettings: '去开启定位',
    denied: '未获得定位权限，请填写地址', unavailable: '暂时无法定位，请填写地址',
  },
  photos: { failed: '上传失败', retry: '点此重试', remove: '删除照片', add: '拍照/相册', addLabel: '添加照片', camera: '拍摄', album: '从相册选择', hint: '最多 {{max}} 张，照片会自动压缩，位置等隐私信息会被清除', photo: '照片 {{n}}' },
  success: {
    title: '诉求已提交', ticketNo: '工单号', next: '接下来会怎样',
    step1: '1. 12345 热线工作人员审核受理，一般在 1 个工作日内。', step2: '2. 受理后派发至所在区的承办部门，按时限办理。', step3: '3. 办结后您会收到答复，并可对办理结果进行评价。',
    follow: '您可以随时在「我的诉求」查看进度、补充信息；每一步进展都会出现在首页的「消息通知」里。',
    wechat: '微信通知', wechatHint: '允许后，受理、派单、办结时会在微信里提醒您（每次允许可收到一次）。',
    subscribeRetry: '订阅未成功，点此重试', subscribe: '订阅办理进度通知', notAllowed: '您没有允许微信通知，进度仍会出现在「消息通知」里。',
    subscribed: '已订阅，办理有进展时会通过微信通知您', view: '查看办理进度',
  },
  tickets: {
    following: '我关注的（{{count}}）', othersReported: '{{category}} · {{count}} 位市民反映', mine: '我提交的', snapFallback: '随手拍照片反映',
    empty: '您还没有反映过问题', profile: '个人信息', settings: '设置',
  },
  detail: {
    joined: '已加入！', followerNote: '这是其他市民提交的诉求，您已关注，办理进展会通知您。', merged: '已与诉求 {{ticketNo}} 合并办理，点此查看它的进度 ›',
    filedAt: '{{kind}} · 提交于 {{time}}', supporters: '另有 {{count}} 位市民反映了同一问题', description: '问题描述', noText: '（未填写文字说明）', followerHidden: '（诉求内容仅提交人可见）',
    place: '地点', notGiven: '未提供', manual: '待人工确定所属区', yourCategory: '您选择的分类：{{name}}', phone: '联系电话：{{phone}}', anonymous: '匿名反映',
    handling: '办理信息', department: '承办部门：{{name}}', due: '办理时限：{{time}} 前', myRating: '我的评价：{{rating}}', progress: '办理进度', answers: '补充信息', answerLine: '{{question}}：{{answer}}', zone: '专区：{{title}}',
    ratings: { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' },
  },
  actions: {
    title: '我可以', rate: '评价', reopen: '重新办理', urge: '催办', supplement: '补充信息', withdraw: '撤回',
    urged: '已催办', thanks: '感谢评价', rateText: '说说办理情况（可选）', reopenHint: '选择「不满意」后，7 天内可以申请重新办理。', sendRating: '提交评价',
    withdrawReason: '请说明撤回原因', reopenReason: '请说明哪里没有解决', supplementText: '补充说明', withdrawn: '已撤回', reopened: '已申请重新办理', supplemented: '已补充',
  },
  timeline: { citizen: '我', system: '系统', admin: '工作人员', pipeline: '承办部门' },
  messages: { unread: '{{count}} 条未读', markAll: '全部标为已读', empty: '还没有消息。诉求有进展时会通知您。' },
  login: {
    citizen: '市民登录', localNote: '本地体验登录：开发和演示环境专用，使用模拟的微信身份。正式环境请在微信小程序中使用。', local: '本地体验登录',
    staff: '工作人员登录', username: '用户名', password: '密码', login: '登录', failed: '登录失败，请重试',
  },
  profile: {
    title: '个人信息', what: '我们保存的关于您的信息', reports: '诉求 {{count}} 条', phones: '留下的电话 {{count}} 个', photos: '照片 {{count}} 张', subscriptions: '消息订阅 {{count}} 个',
    download: '下载我的个人信息（JSON）', downloaded: '已生成文件', delete: '删除我的个人信息',
    deleteExplain: '将删除您的手机号、照片、订阅和账号，并断开您与诉求的关联。诉求内容将匿名保留用于政务档案，未办结的诉求仍会办理完毕。此操作不能撤销。',
    confirm1: '确定要删除您的个人信息吗？', confirm2: '再次确认：删除后无法恢复。', confirmWord: '删除', deleted: '您的个人信息已删除', elder: '长辈模式', language: '语言',
  },
};

export type Dict = typeof zhCN;
