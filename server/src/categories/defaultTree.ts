import type { Question } from '@ssp/shared';
/**
 * The default category tree, Shanghai 12345 style: the 15 fixed first-level
 * codes from shared/ and 3–8 second-level categories under each. Admins edit
 * it afterwards; this is only the first seed. Keywords feed the classifier
 * (blended with the trained model); deadlines are in hours (normal / urgent).
 */
export interface SeedCategory {
  code: string;
  questions?: Question[];
  name: string;
  nameEn?: string;
  keywords: string[];
  negativeKeywords?: string[];
  examples?: string[];
  department: string;
  deadlineHours: { normal: number; urgent: number };
}

export interface SeedFirstLevel extends SeedCategory {
  children: SeedCategory[];
}

const leaf = (code: string, name: string, keywords: string[], department: string, normal = 120, urgent = 24, examples: string[] = []): SeedCategory => ({
  code,
  name,
  keywords,
  department,
  deadlineHours: { normal, urgent },
  examples,
});

const TREE: SeedFirstLevel[] = [
  {
    code: 'city_management', name: '城市管理', nameEn: 'City management', department: '区城管执法局', deadlineHours: { normal: 120, urgent: 24 },
    keywords: ['城管'],
    children: [
      leaf('street_vending', '占道经营', ['占道经营', '占道', '摆摊', '流动摊贩', '出店经营', '马路市场'], '区城管执法局'),
      leaf('illegal_stall', '乱设摊', ['乱设摊', '设摊', '小贩', '夜市摊', '烧烤摊'], '区城管执法局'),
      leaf('illegal_construction', '违法建筑', ['违建', '违章建筑', '违法建筑', '搭建', '加层', '阳光房'], '区城管执法局', 360, 72),
      leaf('wall_breaking', '破墙开店', ['破墙开店', '破墙', '开门洞', '改门面'], '区城管执法局', 240, 48),
      leaf('small_ads', '小广告', ['小广告', '牛皮癣', '乱张贴', '乱涂写', '喷涂电话'], '区城管执法局', 72, 24),
      leaf('shop_signs', '店招店牌', ['店招', '店牌', '招牌', '广告牌', '灯箱'], '区城管执法局', 120, 12),
    ],
  },
  {
    code: 'sanitation_greening', name: '市容环卫与绿化', nameEn: 'Sanitation & greening', department: '区绿化市容局', deadlineHours: { normal: 72, urgent: 12 },
    keywords: ['环卫'],
    children: [
      leaf('garbage_collection', '垃圾清运', ['垃圾清运', '垃圾堆积', '垃圾没人收', '建筑垃圾', '大件垃圾', '垃圾桶满'], '区绿化市容局', 48, 12),
      leaf('garbage_sorting', '垃圾分类', ['垃圾分类', '湿垃圾', '干垃圾', '混装', '定时定点'], '区绿化市容局', 120, 24),
      leaf('public_toilet', '公厕', ['公厕', '公共厕所', '厕所'], '区绿化市容局', 48, 12),
      leaf('road_cleaning', '道路保洁', ['道路保洁', '扫马路', '路面脏', '落叶', '保洁'], '区绿化市容局', 48, 12),
      leaf('trees_greening', '树木绿化', ['树木', '绿化', '修剪', '树枝', '草坪', '绿地', '倒树'], '区绿化市容局', 120, 6),
      leaf('pest_control', '除四害', ['老鼠', '蟑螂', '蚊子', '苍蝇', '除四害', '白蚁'], '区爱卫办', 120, 24),
    ],
  },
  {
    code: 'environment', name: '生态环境', nameEn: 'Environment', department: '区生态环境局', deadlineHours: { normal: 120, urgent: 24 },
    keywords: ['污染'],
    children: [
      leaf('cooking_fumes', '餐饮油烟', ['油烟', '餐饮油烟', '排烟', '烧烤', '饭店'], '区生态环境局'),
      leaf('odor_emission', '废气异味', ['废气', '异味', '臭味', '刺鼻', '喷漆', '化工味'], '区生态环境局', 120, 12),
      leaf('black_odorous_river', '河道黑臭', ['河道', '黑臭', '河水发黑', '河浜', '水面漂浮'], '区水务局', 240, 48),
      leaf('water_pollution', '水污染', ['排污', '污水', '偷排', '直排', '水污染'], '区生态环境局', 120, 12),
      leaf('construction_dust', '工地扬尘', ['扬尘', '灰尘', '渣土', '未覆盖', '粉尘'], '区建设管理委', 72, 12),
      leaf('open_burning', '焚烧', ['焚烧', '烧垃圾', '秸秆', '烧东西', '浓烟'], '区生态环境局', 24, 2),
    ],
  },
  {
    code: 'noise', name: '噪声扰民', nameEn: 'Noise', department: '区生态环境局', deadlineHours: { normal: 72, urgent: 4 },
    keywords: ['噪声', '噪音', '扰民', '吵'],
    children: [
      leaf('night_construction', '夜间施工', ['夜间施工', '半夜施工', '连夜施工', '打桩', '晚上施工'], '区建设管理委', 24, 2),
      leaf('square_dancing', '广场舞', ['广场舞', '跳舞', '音响', '大妈'], '属地街道', 72, 4),
      leaf('renovation_noise', '装修噪声', ['装修', '电钻', '敲墙', '电锯'], '属地街道', 72, 4),
      leaf('entertainment_noise', '娱乐场所噪声', ['酒吧', 'KTV', '歌厅', '娱乐场所', '唱歌'], '区公安分局', 48, 2),
      leaf('equipment_noise', '设备噪声', ['空调外机', '冷却塔', '风机', '水泵', '设备噪声', '轰鸣'], '区生态环境局', 120, 12),
    ],
  },
  {
    code: 'roads_facilities', name: '道路与市政设施', nameEn: 'Roads & facilities', department: '区建设管理委', deadlineHours: { normal: 120, urgent: 4 },
    keywords: ['市政'],
    children: [
      leaf('road_damage', '道路破损', ['道路破损', '坑洼', '路面', '坑', '塌陷', '开裂'], '区建设管理委', 120, 4),
      leaf('manhole_cover', '窨井盖', ['窨井盖', '井盖', '下水道盖'], '区建设管理委', 48, 2),
      leaf('street_lights', '路灯', ['路灯', '灯不亮', '照明'], '区建设管理委', 72, 12),
      leaf('drainage_flooding', '排水积水', ['积水', '排水', '下水道堵', '内涝', '淹水'], '区水务局', 48, 4),
      leaf('sidewalk', '人行道', ['人行道', '地砖', '盲道', '步行道'], '区建设管理委', 120, 24),
      leaf('guardrail', '护栏', ['护栏', '栏杆', '隔离栏', '防撞'], '区建设管理委', 72, 12),
    ],
  },
  {
    code: 'traffic', name: '交通出行', nameEn: 'Traffic', department: '区交通委', deadlineHours: { normal: 120, urgent: 12 },
    keywords: ['交通'],
    children: [
      leaf('illegal_parking', '违章停车', ['违停', '违章停车', '乱停车', '停在人行道', '堵门口', '占用消防通道'], '区公安分局交警支队', 24, 2),
      leaf('traffic_signals', '信号灯', ['信号灯', '红绿灯', '红灯', '绿灯时间'], '区公安分局交警支队', 72, 6),
      leaf('congestion', '交通拥堵', ['拥堵', '堵车', '塞车', '通行'], '区公安分局交警支队', 120, 12),
      leaf('bus_metro', '公交地铁', ['公交', '地铁', '公交车', '线路', '站点', '末班车'], '市交通委', 240, 24),
      leaf('taxi_ride_hailing', '出租网约车', ['出租车', '网约车', '司机', '拒载', '绕路', '打表'], '市交通委执法总队', 240, 24),
      leaf('shared_bikes', '共享单车', ['共享单车', '单车', '电单车', '乱停放'], '区交通委', 72, 24),
    ],
  },
  {
    code: 'housing_property', name: '住房与物业', nameEn: 'Housing & property', department: '区房管局', deadlineHours: { normal: 240, urgent: 24 },
    keywords: ['小区', '住房'],
    children: [
      leaf('property_service', '物业服务', ['物业', '物业费', '保安', '物业公司', '业委会'], '区房管局', 240, 48),
      leaf('house_leakage', '房屋漏水', ['漏水', '渗水', '楼上漏水', '屋顶漏', '外墙渗'], '区房管局', 120, 24),
      leaf('community_parking', '小区停车', ['小区停车', '车位', '停车费', '地库'], '区房管局', 240, 48),
      leaf('elevator', '电梯', ['电梯', '困人', '电梯故障', '电梯维保'], '区市场监管局', 48, 1),
      leaf('elevator_installation', '加装电梯', ['加装电梯', '加梯', '老房电梯'], '区房管局', 360, 72),
      leaf('group_renting', '群租', ['群租', '隔断间', '二房东', '住了十几个人'], '属地街道', 120, 24),
      leaf('rental', '租赁', ['租房', '房东', '押金', '中介', '租金', '退租'], '区房管局', 240, 48),
    ],
  },
  {
    code: 'utilities', name: '水电燃气与通信', nameEn: 'Utilities', department: '市水务局', deadlineHours: { normal: 72, urgent: 4 },
    keywords: [],
    children: [
      leaf('water_outage', '停水', ['停水', '没水', '水压低', '断水'], '市供水公司', 24, 2),
      leaf('water_quality', '水质', ['水质', '自来水发黄', '水有异味', '浑浊'], '市供水公司', 48, 6),
      leaf('power_outage', '停电', ['停电', '没电', '跳闸', '电压'], '国网上海电力', 24, 2),
      leaf('gas_supply', '燃气供应', ['燃气', '煤气', '天然气', '燃气表', '通气'], '上海燃气', 48, 1),
      leaf('utility_bills', '费用', ['水费', '电费', '燃气费', '账单', '多收费'], '市水务局', 240, 48),
      leaf('telecom_signal', '通信信号', ['信号', '宽带', '网络', '基站', '手机信号'], '市通信管理局', 240, 48),
    ],
  },
  {
    code: 'market_consumer', name: '市场监管与消费', nameEn: 'Market & consumer', department: '区市场监管局', deadlineHours: { normal: 168, urgent: 24 },
    keywords: ['商家', '消费'],
    children: [
      leaf('online_shopping', '网购纠纷', ['网购', '快递', '退货', '电商', '直播带货', '网店'], '区市场监管局', 168, 48),
      leaf('prepaid_cards', '预付卡', ['预付卡', '会员卡', '办卡', '跑路', '充值'], '区市场监管局', 168, 48),
      leaf('food_safety', '食品安全', ['食品安全', '过期', '变质', '吃坏', '卫生差', '无证经营'], '区市场监管局', 72, 12),
      leaf('pricing', '价格', ['价格', '乱收费', '标价', '涨价', '价格欺诈'], '区市场监管局', 168, 48),
      leaf('false_advertising', '虚假宣传', ['虚假宣传', '夸大', '骗', '广告不实'], '区市场监管局', 168, 48),
      leaf('product_quality', '产品质量', ['质量问题', '假货', '三无产品', '产品质量', '坏了'], '区市场监管局', 168, 48),
    ],
  },
  {
    code: 'labor_social', name: '劳动与社会保障', nameEn: 'Labour & social security', department: '区人社局', deadlineHours: { normal: 240, urgent: 48 },
    keywords: ['公司', '单位'],
    children: [
      leaf('wage_arrears', '欠薪', ['欠薪', '拖欠工资', '不发工资', '工资'], '区人社局劳动监察大队', 120, 24),
      leaf('labor_contract', '劳动合同', ['劳动合同', '辞退', '解除合同', '加班费', '试用期'], '区人社局', 240, 48),
      leaf('social_insurance', '社保', ['社保', '缴纳', '公积金', '断缴'], '区社保中心', 240, 48),
      leaf('pension', '养老金', ['养老金', '退休金', '退休', '养老'], '区社保中心', 240, 48),
      leaf('work_injury', '工伤', ['工伤', '工伤认定', '受伤赔偿'], '区人社局', 240, 48),
      leaf('employment', '就业', ['就业', '招聘', '失业', '培训补贴', '找工作'], '区就业促进中心', 240, 48),
    ],
  },
  {
    code: 'health', name: '医疗卫生', nameEn: 'Health', department: '区卫健委', deadlineHours: { normal: 168, urgent: 2 },
    keywords: ['医院', '看病'],
    children: [
      leaf('hospital_service', '医院服务', ['医院', '医生', '护士', '挂号', '态度差', '排队'], '区卫健委', 168, 24),
      leaf('medical_insurance', '医保报销', ['医保', '报销', '医保卡', '异地就医'], '区医保局', 240, 48),
      leaf('vaccination', '疫苗', ['疫苗', '接种', '打针', '预防针'], '区疾控中心', 168, 24),
      leaf('epidemic_control', '疫情防控', ['疫情', '传染病', '发热', '消毒'], '区疾控中心', 48, 4),
      leaf('emergency_care', '急救', ['急救', '120', '救护车', '病人'], '市医疗急救中心', 24, 1),
      leaf('pharmaceuticals', '药品', ['药品', '药店', '处方药', '药价'], '区市场监管局', 168, 24),
    ],
  },
  {
    code: 'education', name: '教育', nameEn: 'Education', department: '区教育局', deadlineHours: { normal: 240, urgent: 24 },
    keywords: ['学校', '孩子'],
    children: [
      leaf('school_enrollment', '入学', ['入学', '招生', '学区', '转学', '对口'], '区教育局', 240, 48),
      leaf('school_fees', '学校收费', ['学费', '收费', '校服费', '餐费'], '区教育局', 240, 48),
      leaf('training_institutions', '培训机构', ['培训机构', '补习班', '课外班', '退费'], '区教育局', 240, 48),
      leaf('campus_safety', '校园安全', ['校园安全', '校门口', '霸凌', '食堂'], '区教育局', 72, 4),
      leaf('double_reduction', '双减', ['双减', '作业多', '作业负担', '补课'], '区教育局', 240, 48),
    ],
  },
  {
    code: 'public_safety', name: '公共安全', nameEn: 'Public safety', department: '区应急管理局', deadlineHours: { normal: 48, urgent: 1 },
    keywords: ['安全隐患', '危险'],
    children: [
      leaf('fire_hazard', '消防隐患', ['消防', '安全出口', '消防通道', '灭火器', '堆放杂物', '着火'], '区消防救援支队', 48, 1),
      leaf('ebike_charging', '电动车充电', ['电动车', '电瓶车', '飞线充电', '楼道充电', '充电'], '区消防救援支队', 48, 4),
      leaf('gas_leak', '燃气泄漏', ['燃气泄漏', '煤气泄漏', '煤气味', '漏气'], '上海燃气', 4, 1),
      leaf('falling_objects', '高空抛物', ['高空抛物', '扔东西', '坠物', '外墙脱落', '掉下来'], '区公安分局', 48, 2),
      leaf('public_order', '治安', ['治安', '打架', '偷', '盗窃', '诈骗', '可疑人员'], '区公安分局', 24, 1),
    ],
  },
  {
    code: 'gov_services', name: '政务服务', nameEn: 'Government services', department: '区政务服务办', deadlineHours: { normal: 168, urgent: 24 },
    keywords: ['办事', '办理'],
    children: [
      leaf('service_inquiry', '办事咨询', ['咨询', '怎么办理', '需要什么材料', '流程'], '区政务服务办', 72, 24),
      leaf('one_netcom', '一网通办', ['一网通办', '随申办', 'APP', '网上办理', '系统'], '市大数据中心', 168, 24),
      leaf('counter_service', '窗口服务', ['窗口', '工作人员', '办事大厅', '态度', '排队'], '区政务服务办', 168, 24),
      leaf('certificates_hukou', '证照户籍', ['户口', '户籍', '身份证', '居住证', '落户', '营业执照'], '区公安分局户政', 168, 48),
    ],
  },
  {
    code: 'other', name: '其他（表扬与建议）', nameEn: 'Other (praise & suggestions)', department: '12345 热线', deadlineHours: { normal: 240, urgent: 48 },
    keywords: [],
    children: [
      leaf('praise', '表扬', ['表扬', '感谢', '点赞', '锦旗', '谢谢'], '12345 热线', 240, 48),
      leaf('suggestion', '建议', ['建议', '希望', '能否', '提议'], '12345 热线', 240, 48),
      leaf('unclassifiable', '无法归类', [], '12345 热线', 240, 48),
    ],
  },
];

/**
 * Questions a department would otherwise have to call back about, asked in
 * the form once the category is known. 灯杆编号 is on every lamp post in
 * Shanghai and finds the post at once; 看不到编号 is a valid answer.
 */
const WHEN_NOISE: Question = {
  code: 'when',
  type: 'single',
  label: '噪声一般什么时候出现？',
  labelEn: 'When does the noise usually happen?',
  required: true,
  options: [
    { value: 'day', label: '白天（6:00–22:00）', labelEn: 'Daytime (6:00–22:00)' },
    { value: 'night', label: '夜间（22:00–6:00）', labelEn: 'At night (22:00–6:00)' },
    { value: 'all_day', label: '全天', labelEn: 'All day' },
    { value: 'irregular', label: '不固定', labelEn: 'Irregularly' },
  ],
};

export const DEFAULT_QUESTIONS: Record<string, Question[]> = {
  street_lights: [
    {
      code: 'pole_number',
      type: 'text',
      label: '灯杆编号（灯杆上贴的编号）',
      labelEn: 'Lamp-post number (the label on the post)',
      required: true,
      options: [{ value: '看不到编号', label: '看不到编号', labelEn: "I can't see a number" }],
    },
  ],
  night_construction: [WHEN_NOISE],
  square_dancing: [WHEN_NOISE],
  renovation_noise: [WHEN_NOISE],
  entertainment_noise: [WHEN_NOISE],
  equipment_noise: [WHEN_NOISE],
  group_renting: [
    { code: 'floor', type: 'number', label: '楼层', labelEn: 'Floor', required: true, min: -5, max: 200 },
    { code: 'room', type: 'text', label: '房间号（如 1203 室）', labelEn: 'Room number (e.g. 1203)', required: false },
  ],
  gas_supply: [
    {
      code: 'smell_gas',
      type: 'blocking',
      label: '现在是否闻到燃气味？',
      labelEn: 'Can you smell gas right now?',
      required: true,
      blockMessage: '燃气泄漏请立即离开并拨打 962777（上海燃气抢修）',
      blockMessageEn: 'If gas is leaking, leave at once and call 962777 (Shanghai Gas emergency line)',
    },
  ],
};

/**
 * English names of the second-level categories (issue 13: residents who read English see these;
 * admins edit them in 分类管理). Kept apart from the tree so each `leaf(...)` line stays short.
 */
export const LEAF_NAMES_EN: Record<string, string> = {
  street_vending: 'Street vending',
  illegal_stall: 'Unlicensed stalls',
  illegal_construction: 'Illegal construction',
  wall_breaking: 'Walls broken through for shopfronts',
  small_ads: 'Illegal flyers and graffiti ads',
  shop_signs: 'Shop signs',
  garbage_collection: 'Rubbish collection',
  garbage_sorting: 'Waste sorting',
  public_toilet: 'Public toilets',
  road_cleaning: 'Street cleaning',
  trees_greening: 'Trees and green spaces',
  pest_control: 'Pest control',
  cooking_fumes: 'Restaurant cooking fumes',
  odor_emission: 'Fumes and odours',
  black_odorous_river: 'Black, smelly rivers',
  water_pollution: 'Water pollution',
  construction_dust: 'Construction dust',
  open_burning: 'Open burning',
  night_construction: 'Construction at night',
  square_dancing: 'Square dancing noise',
  renovation_noise: 'Renovation noise',
  entertainment_noise: 'Noise from entertainment venues',
  equipment_noise: 'Equipment noise',
  road_damage: 'Damaged roads',
  manhole_cover: 'Manhole covers',
  street_lights: 'Street lights',
  drainage_flooding: 'Drainage and flooding',
  sidewalk: 'Pavements',
  guardrail: 'Guardrails',
  illegal_parking: 'Illegal parking',
  traffic_signals: 'Traffic lights',
  congestion: 'Traffic congestion',
  bus_metro: 'Buses and metro',
  taxi_ride_hailing: 'Taxis and ride-hailing',
  shared_bikes: 'Shared bikes',
  property_service: 'Property management',
  house_leakage: 'Leaks in homes',
  community_parking: 'Parking in residential compounds',
  elevator: 'Lifts',
  elevator_installation: 'Adding lifts to old buildings',
  group_renting: 'Overcrowded rentals',
  rental: 'Renting',
  water_outage: 'Water cuts',
  water_quality: 'Water quality',
  power_outage: 'Power cuts',
  gas_supply: 'Gas supply',
  utility_bills: 'Utility bills',
  telecom_signal: 'Phone and network signal',
  online_shopping: 'Online shopping disputes',
  prepaid_cards: 'Prepaid cards',
  food_safety: 'Food safety',
  pricing: 'Prices',
  false_advertising: 'False advertising',
  product_quality: 'Product quality',
  wage_arrears: 'Unpaid wages',
  labor_contract: 'Employment contracts',
  social_insurance: 'Social insurance',
  pension: 'Pensions',
  work_injury: 'Work injuries',
  employment: 'Jobs',
  hospital_service: 'Hospital services',
  medical_insurance: 'Medical insurance claims',
  vaccination: 'Vaccination',
  epidemic_control: 'Epidemic control',
  emergency_care: 'Emergency care',
  pharmaceuticals: 'Medicines',
  school_enrollment: 'School admission',
  school_fees: 'School fees',
  training_institutions: 'Tutoring centres',
  campus_safety: 'School safety',
  double_reduction: 'Limits on homework and tutoring',
  fire_hazard: 'Fire hazards',
  ebike_charging: 'E-bike charging',
  gas_leak: 'Gas leaks',
  falling_objects: 'Objects falling from buildings',
  public_order: 'Public order',
  service_inquiry: 'Questions about procedures',
  one_netcom: 'Online government services',
  counter_service: 'Service counters',
  certificates_hukou: 'IDs, licences and household registration',
  praise: 'Praise',
  suggestion: 'Suggestions',
  unclassifiable: 'Cannot be classified',
};

export const DEFAULT_TREE: SeedFirstLevel[] = TREE.map((f) => ({
  ...f,
  children: f.children
    .map((c) => ({ ...c, nameEn: c.nameEn ?? LEAF_NAMES_EN[c.code] }))
    .map((c) => (DEFAULT_QUESTIONS[c.code] ? { ...c, questions: DEFAULT_QUESTIONS[c.code] } : c)),
}));
