/**
 * Urgency rules: 紧急 (life or safety at risk now) and 次紧急 (must be
 * handled within a day). Rules come first because a missed gas leak costs far
 * more than an extra phone call, the phrases are well known, and every
 * decision can be explained by the phrase that triggered it. The classifier
 * adds a trained urgency model on top for the wordings no rule lists (see
 * classifier.ts); these rules also decide what the model may not override:
 * a danger that is negated ("没有着火") or over ("上周的煤气味已经处理好了")
 * does not count, and a resident who says it is not urgent ("不紧急") is believed:
 * when every danger in a text is set aside so (`allDangerSetAside`), the
 * decision is 普通 unless the model is very sure (classifier.ts `decideUrgency`,
 * `setAside`).
 */
export type Urgency = 'urgent' | 'semi_urgent' | 'normal';

interface Rule {
  reason: string;
  pattern: RegExp;
  /**
   * Characters and two-character strings (space-separated) of which every match of `pattern` holds at least one
   * (urgencyGate.test.ts proves it from the pattern's syntax tree): a text holding none of them cannot match, and one
   * pass over the text (`gateOf`) tells which rules need their pattern run at all. Chosen among what the pattern
   * requires for being rare in the training corpus (most rules are then skipped by 90–99 % of its texts).
   */
  need: string;
}

const URGENT_RULES: Rule[] = [
  { reason: '燃气泄漏', pattern: /(燃气|煤气|天然气|液化气)[^，。,.]{0,4}(泄漏|泄露|漏气|在漏)|(煤气|燃气|天然气|燃其|煤汽)味|漏气|煤气管[^，。,.]{0,4}(破|断|裂)|(燃气|煤气)报警器[^，。,.]{0,4}(响|叫)|臭鸡蛋(味|的味)|(厨房|灶|楼道|屋里|家里)[^。！？]{0,12}像[^，。,.]{0,3}(坏|臭)[^，。,.]{0,3}鸡蛋/, need: '在漏 天然 气管 泄漏 泄露 漏气 煤气 煤汽 燃其 燃气 臭鸡 警器 鸡蛋' },
  { reason: '电梯困人', pattern: /电梯[^，。,.]{0,8}(困人|困住|被困|困在|出不来|关在|关了)|困在电梯|被困电梯|关在[^，。,.]{0,6}电梯|电梯卡在|梯[^，。,.]{0,8}困人/, need: '关了 关在 出不 困人 困住 困在 困电 梯卡 被困' },
  { reason: '火情', pattern: /着火|起火|失火|火灾|火势|烧起来了|冒烟|冒火花|浓烟|冒黑烟|火很大|火都窜|窜火|火苗[^，。,.]{0,4}(窜|冒)|(楼下|楼道|楼梯|屋里|家里|隔壁|窗外)[^，。,.]{0,2}(冒|窜|涌)[^，。,.]{0,4}(黑烟|浓烟|烟)|(楼梯|楼道)里?[^，。,.]{0,2}(也是|全是|都是)烟(?!味)|(插头|插座|插线板|电线|电表|电箱)[^，。,.]{0,6}(烧黑|烧化|冒火|打火)|爆炸|(电瓶|电池|锅炉|煤气罐|钢瓶|气罐|变电箱|电箱|配电箱|要)[^，。,.]{0,3}炸/, need: '冒 涌 炸 烟 窜 失火 打火 火势 火很 火灾 火花 火苗 火都 烧化 烧起 烧黑 着火 起火' },
  { reason: '窨井盖缺失', pattern: /(窨井盖|井盖|盖板)[^，。,.]{0,6}(缺失|不见|丢|没了|被偷|偷走|掉下去|撬走|被撬|敞着|翻了|压翻|掀)|没有井盖|井盖.{0,4}大洞|黑洞洞|井口[^，。,.]{0,12}敞开/, need: '窨 井盖 大洞 敞开 有井 洞洞 盖板' },
  { reason: '外墙或高空坠物', pattern: /外墙[^，。,.]{0,6}(脱落|掉)|瓷砖[^，。,.]{0,6}(脱落|掉)|玻璃幕墙[^，。,.]{0,10}(掉|脱落|碎)|摇摇欲坠|随时(会|可能)?(掉|砸|倒|塌|坠)|(楼上|高空|楼顶|窗口|阳台)[^，。,.！]{0,4}(砸|扔|抛|丢|掉)下(来)?[^，。,.！]{0,3}(一?[个袋块只根把]|花盆|砖|酒瓶|瓶子|垃圾|玻璃|石头|衣架|刀)|吊顶[^，。,.]{0,8}(掉落|掉下|塌|下垂|悬着)|(广告牌|招牌|店招|灯箱|zhao牌)[^，。,.！？]{0,10}(晃|松动|松了|摇|要掉|脱开|脱落)|要掉下来|砸到人|悬着要掉|往下扔(刀|菜刀|砖|花盆)/, need: 'o牌 下扔 吊顶 告牌 外墙 店招 悬着 招牌 楼上 楼顶 欲坠 灯箱 璃幕 瓷砖 砸到 窗口 要掉 阳台 随时 高空' },
  { reason: '爆管', pattern: /(爆管|(水管|管道|总管)[^，。,.]{0,4}(爆裂|爆了|破裂))[^。！？]{0,24}(淹|喷|冲|马路|路上|街上|路面|路口|整条路|车道|成河)|路面[^，。,.]{0,4}喷水/, need: '喷水 爆了 爆管 爆裂 破裂' },
  { reason: '倒树挡路', pattern: /(树|大树)[^，。,.]{0,6}(倒|吹倒|倒下)[^。]{0,12}(挡|堵|路|车道)|倒树|(树|大树)[^，。,.]{0,8}(要倒|歪向|根[^，。,.]{0,3}翘)/, need: '树 翘 歪向 要倒' },
  { reason: '有人昏迷、急病或中毒', pattern: /救护车[^，。,.]{0,10}(没来|还没到|进不来|堵|过不去|没到)|(病人|老人|大叔|阿姨|孩子|小孩)[^，。,.]{0,8}(危急|昏迷|晕倒|不省人事|倒地)|晕倒|昏倒|(晕|昏)(了)?过去|(说话|讲话|讲闲话)[^，。,.]{0,2}(讲不清|说不清|含糊)|口齿不清|(打了?120|叫了?救护车)[^。！？]{0,16}(还没到|没来|没到|还没来)|(吐|拉)得[^，。,.]{0,3}(站不起来|起不来|爬不起来)|(\d+|十几|二十几|几十|十多|二十多)(个|名)?人[^。！？]{0,8}(呕吐|腹泻|拉肚子|上吐下泻)|心脏病发|心梗|中风|呼吸困难|喘不上气|口吐白沫|没有呼吸|呼吸[^，。,.]{0,4}弱|不省人事|食物中毒|中毒|误吞|误服|叫不醒|叫不应|叫伊叫勿应|意识模糊|爬不起来|不能动了?|快不行了|抽筋|(摔|跌)(下来|倒)[^。！？]{0,12}(血|不动|不能动|动不了|叫不)|喊救命|呼救|(十几|几十|好几|多)(个)?人[^，。]{0,6}上吐下泻|上吐下泻[^。！？]{0,10}送(医|医院)|(化学|刺鼻)[^。！？]{0,12}(咳嗽|头晕|呕吐)/, need: '弱 摔 昏 晕 跌 上气 下泻 不省 不醒 中毒 中风 伊叫 倒地 刺鼻 化学 危急 口齿 叫不 吐白 吸困 呕吐 呼救 喊救 心梗 快不 抽筋 拉肚 救护 有呼 没到 没来 爬不 物中 病发 站不 能动 腹泻 讲话 讲闲 识模 误吞 误服 说话 起不' },
  { reason: '路面塌陷', pattern: /(裂缝|裂开|裂)[^。！？]{0,10}(越来越大|越裂越大|变宽|越来越宽|一天比一天宽|还在裂)|塌陷|地陷|路面下沉|(要|快要|随时)塌|倒塌|坍塌|塌了个洞|侧翻/, need: '坍 塌 个洞 侧翻 变宽 在裂 地陷 天宽 越大 越宽 越裂 面下' },
  { reason: '触电危险', pattern: /触电|(积水|水里)[^。！？]{0,20}被电(了一下|到|倒)|电线[^，。,.]{0,10}泡在[^，。,.]{0,3}水|(路灯|电线杆|电箱|电缆|积水|地面)[^，。,.]{0,8}漏电|电线[^，。,.]{0,6}(裸露|掉在地上|断了|断落|掉下来)|高压线[^，。,.]{0,6}(断|掉)/, need: '压线 泡在 漏电 电线 被电 触电' },
  { reason: '人员被困或落水', pattern: /有人(掉进|落水|被困)|落水(?!管)|溺水|困在里面|被困(车|在)|掉进去了|一个人在阳台|(独居|一个人)[^，。]{0,10}(敲门没|不开门|没人应|没反应|没反映)|(独居|一个人住|一个人|孤老)[^。！？]{0,24}(敲门[^，。]{0,4}(不应|没人应|没应|没反应|不开)|没动静|没开门|没出门)|(老人|老头|老太|老伯|阿婆|阿姨|老先生|邻居|隔壁)[^。！？]{0,12}(两|三|好几|几)天(都)?没(开门|出门|动静|露面|看到|见到)|(老人|老头|老太|老伯|阿婆|爷爷|奶奶|外婆|外公|老父亲|老母亲)[^。！？]{0,24}((?<!防)走失|走丢|找不到了|(?<![听看])不见了|还没回来|没回家)|(孩子|小孩|儿子|女儿)[^，。]{0,8}(走失|找不到|不见了)/, need: '溺 人应 出门 动静 困在 在阳 开门 找不 掉进 敲门 没出 没反 没回 没开 看到 落水 被困 见了 见到 走丢 走失 门没 露面' },
  { reason: '人身安全', pattern: /要跳下去|(不给钱|不给)[^，。,.]{0,3}就跳|爬[^，。,.]{0,3}(楼顶|天台)[^。！？]{0,12}跳(?!闸|舞)|动刀|持刀|拿着?刀|砍人|打人了|打起来了|抢劫/, need: '刀 劫 爬 就跳 打人 打起 砍人 要跳' },
];

const SEMI_URGENT_RULES: Rule[] = [
  { reason: '整栋停水停电停气', pattern: /(整栋|整幢|这栋楼|这幢楼|整个?楼|全楼|整个小区|全小区|整个单元|一个单元|整条弄堂|整个弄堂|几百户|\d+户|整片|这一片|高层|\d+号楼|[一二三四五六七八九十\d]+[幢栋]|我们楼|阿拉楼|全村|小区|整条[路街弄])[^。！？]{0,16}(停水|停电|没水|没电|断水|断电|停气|没气|没燃气|没煤气|燃气停|燃气.{0,2}(停|中断)|(煤气|燃气|mq|rq)[^。！？，]{0,8}(没了|断了|不通|打不着|点不着|烧不着|压力不够)|没有(燃气|煤气)|没信号|自来水[^。！？，]{0,6}(发黄|发黑|浑|臭|有味))|(停水|停电|没水|没电|停气|断气)[^。！？]{0,10}(整栋|整幢|全楼|整个小区|整个单元|\d+户|[一二三四五六七八九十两几\d]+个?多?(小时|钟头)|一天|两天|到现在|至今|一整天|一上午|一早上|一晚上|一夜)/, need: 'mq rq 停气 停水 停电 断气 断水 断电 气停 没信 没气 没水 没煤 没燃 没电 煤气 燃气 自来' },
  { reason: '消防通道堵塞', pattern: /(消防通道|消防车道|安全出口|安全通道|逃生通道|逃生口|逃生门|疏散通道|疏散楼梯|防火门|楼梯通道|消防门|唯一的?出口)[^。！？]{0,10}(堵|占|锁|封|停|推不开|堆满|挡)|(堵|占|锁)[^。！？]{0,6}(消防通道|安全出口|逃生通道)|消防栓[^。！？]{0,8}(没水|空的|没有水)/, need: '唯 全出 全通 散楼 散通 梯通 火门 生口 生通 生门 防栓 防车 防通 防门' },
  { reason: '信号灯故障', pattern: /(红绿灯|信号灯|小人灯|人行灯|行人灯)[^。！？]{0,8}(坏|灭|不亮|全黑|黑了|黑掉|黑脱|失灵|故障|不工作|不变|乱|闪黄灯)|(路口|斑马线|一整排|整条路)[^。！？]{0,6}路灯[^。！？]{0,6}(不亮|全黑|灭)/, need: '人灯 号灯 小人 红绿 行灯 路灯' },
  { reason: '爆管或漏水进屋', pattern: /爆管|(水管|管道|总管)[^，。,.]{0,4}(爆裂|爆了|破裂)|(楼上|天花板|楼板)[^。！？]{0,16}(往下流|往下滴|往下淌|流下来|漏下来|哗哗|像下雨|像落雨|淹了|滴到电|电表箱|电箱)/, need: '下流 下淌 下滴 像下 像落 哗哗 流下 淹了 滴到 漏下 爆了 爆管 爆裂 电箱 破裂 表箱' },
  { reason: '污水倒灌或偷排', pattern: /(污水|粪水|脏水|下水道|化粪池|公厕|马桶)[^。！？]{0,12}(倒灌|冒|漫|流进|淹|溢)|倒灌|(地下车库|车库|地道|屋里|家里)[^。！？]{0,4}(进水|淹)|积水[^。！？]{0,8}(熄火|进屋|到膝盖|没过)|(河|沟|浜)[^。！？]{0,12}(突然|正在|还在|刚刚|刚才|今天|今朝)[^。！？]{0,8}(排|变红|变成红|变色|红色|冒)|(突然|正在|还在|刚刚|刚才|今天|今朝)[^。！？]{0,8}[往向](河|沟|浜)[^。！？]{0,4}[排倒放]/, need: '沟 河 浜 淹 倒灌 公厕 到膝 化粪 水道 污水 没过 熄火 粪水 脏水 进屋 进水 马桶' },
  { reason: '高层电梯停运', pattern: /电梯[^。！？]{0,10}(停|坏)[^。！？]{0,16}(老人|下不来|下不去|下不了楼|上不去|爬不动|高层|轮椅|\d{2}楼|\d{2}层|[一二三]?十[一二三四五六七八九]?(楼|层))|(\d{2}楼|\d{2}层|[一二三]?十[一二三四五六七八九]?(楼|层)|高层)[^。！？]{0,12}电梯[^。！？]{0,6}(停|坏)/, need: '电梯' },
  { reason: '道路坑洞或护栏损坏', pattern: /(护栏|护兰|栏杆|隔离栏)[^。！？]{0,8}(撞断|撞倒|倒了|断了|倒在|横在|缺了一?大?[截段])|(路面|路当中|马路)[^。！？]{0,8}(塌了一?个|翘起来)|人行道[^。！？]{0,8}塌了一?个|(大坑|深坑|坑洞|塌了个坑|很深的坑)[^。！？]{0,20}(摔|主干道|主路|马路|车道|翻)|(主干道|主路|马路|车道|[^小]路)[^。！？]{0,16}(大坑|深坑|很深的坑)|(坑|护栏|栏杆|隔离栏)[^。！？]{0,12}(摔了|摔倒|横在|撞倒|撞飞)/, need: '个坑 坑洞 塌了 大坑 护兰 护栏 摔了 摔倒 撞倒 撞飞 栏杆 横在 深坑 的坑 离栏 翘起' },
  { reason: '今天必须处理', pattern: /今天(之内|内)?(必须|一定要|务必|就)?(来|派人|处理|修|清理|打开|清运|去查)|今朝(一定要|要|就)?(来|修|派人)|请今天|今天能(来|修)|今晚(必须|一定要|就)?(来|派人)|天黑之前|今日(之内|内)?(必须|一定要|务必)?(到场|处理|派人|查处|协调|核查|落实|安排|来|修|清)/, need: '今天 今日 今晚 今朝 天能 请今 黑之' },
];

/** a negation right before the phrase: 没有着火, 不是漏气; or right after: 煤气味一点都没有 */
const NEGATION_BEFORE = /(不|没|未|无|并非|不是|没有|勿|覅)[^，。,.！!？?]{0,2}$/;
const NEGATION_AFTER = /^[^，。,.！!？?]{0,3}(都没有|也没有|没有了)/;
/** a fear or a comparison, not an event: 万一着火, 怕着火, 像着火一样 — the model may still judge the text */
const HYPOTHETICAL_BEFORE = /(万一|一旦|怕|真要|要是|如果|以为|像|担心|容易|会|能)[^，。,.！!？?]{0,3}$/;
/**
 * A fear, a warning or a rhetorical question about the danger, anywhere in its clause:
 * 怕刮风吹下来砸到人, 哪天烧起来谁担责任, 真着火了怎么办, 以防着火 — not an event happening now.
 */
const HYPOTHETICAL_CLAUSE = /(万一|一旦|生怕|怕|担心|害怕|(?<![主需只就])要是|如果|假如|哪天|迟早|早晚|以防|防止|避免|预防|隐患|容易|可能会|会不会|是不是|引发|导致|造成|酿成|引起)[^，。,.！!？?]{0,12}$/;
/** …着火怎么办, 火灾隐患, 真着火了往哪跑, 着火消防车怎么进来: talk about a danger, not one */
const HYPOTHETICAL_AFTER = /^([^，。,.！!？?]{0,8}(怎么办|谁负责|谁担责|谁来负责|哪能办|就晚了|来不及|往哪跑|怎么跑|怎么逃|怎么进来|怎么进去|怎么出去)|(隐患|风险))/;
/** thanks for how it was handled: the danger is over */
const THANKS = /表扬|感谢|点赞|锦旗/;
/** the danger is over: 已经处理好了, 修好了, 后来没事了 */
const RESOLVED = /已经?(处理|修好|修复|解决|排除|恢复|扑灭|灭了|灭掉|好了|救出|没事)|(处理|修|解决|弄)(好|完)了|没事了|被?(救|放)出来(了|以后|后)|还好没出事|幸亏|幸好|(?<![正恰刚])好在|没人受伤|灭掉了|扑灭了|误报/;
/**
 * The fixes among RESOLVED, without the near misses (幸亏, 好在, 没人受伤): a near miss ends a danger (紧急) but is
 * the resident's argument for a 次紧急 fact (井盖碎了，幸好没人掉下去，今天来修).
 */
const FIXED = /已经?(处理|修好|修复|解决|排除|恢复|扑灭|灭了|灭掉|好了|救出|没事)|(处理|修|解决|弄)(好|完)了|没事了|被?(救|放)出来(了|以后|后)|灭掉了|扑灭了|误报/;
/** the clause is about the past: 上周 …, 之前 …; unless it is happening again or still */
const PAST = /(上周|上个?星期|上个?月|上礼拜|去年|前几天|前两天|前天|前段时间|之前|以前|上次|上回|上趟|那次|那天|当时|事后|曾经|\d+月(份|初|底))/;
const STILL = /现在|又|还在|仍然|至今|到现在|今天|刚刚|刚才/;
export const NOT_URGENT = /(不|并不|不是很|没那么)(紧急|着急|急)|不急|有空.{0,4}(来|处理)/;
/**
 * 不急 said of the other of two problems (这个不急, 那个不急, 一件急一件不急, 先不急; 急的是…, 要紧的是…): the resident ranks
 * two things, and the danger told beside it is not called harmless. Leave-one-writer-out (docs/LOG.md, "Set-aside dangers"):
 * 9 texts labelled 紧急 and 6 labelled 次紧急 were set aside by a 不急 about the other problem. Read for the rules'
 * verdict only; the model's `not_urgent` signal keeps NOT_URGENT (stored models read the signal as trained).
 */
const NOT_URGENT_OTHER = /(这个|那个|这件|那件|搿个|这事|那事|一件|另一件|第二件|先)[^，。,.！!？?]{0,2}(不|并不|不是很|没那么)(紧急|着急|急)|(?<![不])急的是|更急|要紧的是|先说急的/;
/** the resident says the text is not urgent (not merely that its other problem is not) */
const saysNotUrgent = (text: string, gate: number) => (gate & GATE.notUrgent) !== 0 && NOT_URGENT.test(text) && !NOT_URGENT_OTHER.test(text);

/**
 * The characters every match of a whole-text pattern holds at least one of, as `Rule.need` (proved in urgency.test.ts):
 * each pattern was a scan of the whole text per classification (20 rules and these, ~23 CPU-µs of a 100-character text,
 * ~100 of a letter), and most texts can match few of them.
 */
export const PATTERN_NEEDS = { notUrgent: '急 有空', past: '份 初 底 月 上周 上回 上次 上礼 上趟 之前 事后 以前 前两 前几 前天 前段 去年 当时 星期 曾经 那天 那次', resolved: '修 弄 恢 事了 人受 出来 处理 好了 好在 好没 幸亏 幸好 扑灭 排除 救出 没事 灭了 灭掉 解决 误报', thanks: '感谢 点赞 表扬 锦旗' };
/** bit of each rule (URGENT_RULES, then SEMI_URGENT_RULES) and of PATTERN_NEEDS' patterns in a text's gate */
const RULE_BIT = new Map<Rule, number>([...URGENT_RULES, ...SEMI_URGENT_RULES].map((r, k) => [r, 1 << k]));
const GATE = { notUrgent: 1 << RULE_BIT.size, past: 1 << (RULE_BIT.size + 1), resolved: 1 << (RULE_BIT.size + 2), thanks: 1 << (RULE_BIT.size + 3) };
if (RULE_BIT.size + 4 > 32) throw new Error('urgency gate: more than 32 patterns');
/**
 * per char code: its slot in GATE_MASKS (low byte; 0: needed alone by no pattern) | its slot in PAIR_FILTER << 8 (0:
 * starts no needed pair). One read per character; 128 kB, of which a text touches the lines of its own characters.
 */
const GATE_SLOT = new Uint16Array(65536);
const GATE_MASKS = new Int32Array(256);
/**
 * per pair-start slot, 64 bits (two Int32) over the second character's low six bits: set when a needed pair starting
 * with that character may end with it. The 167 pair-start characters include the commonest ones (在 有 不 上 的 …),
 * and most pairs they start are needed by no pattern: the filter turns those away before the hash probe.
 */
const PAIR_FILTER = new Int32Array(2 * 256);
/** needed two-character strings, open addressing, per slot [c1 << 16 | c2, bits] (bits 0: empty) */
const PAIRS = new Int32Array(2 * 1024);
const PAIR_SLOTS = PAIRS.length / 2 - 1;
const pairSlot = (key: number) => (Math.imul(key, 0x9e3779b1) >>> 22) & PAIR_SLOTS;
let gateSlots = 0;
let pairStarts = 0;
let pairs = 0;
function gateNeeds(need: string, bit: number): void {
  for (const piece of need.split(' ')) {
    const c = piece.charCodeAt(0);
    if (piece.length === 1) {
      if (!(GATE_SLOT[c] & 0xff)) {
        if (++gateSlots > 255) throw new Error('urgency gate: more than 255 needed characters');
        GATE_SLOT[c] |= gateSlots;
      }
      GATE_MASKS[GATE_SLOT[c] & 0xff] |= bit;
    } else if (piece.length === 2) {
      const key = (c << 16) | piece.charCodeAt(1);
      let slot = pairSlot(key);
      while (PAIRS[2 * slot + 1] !== 0 && PAIRS[2 * slot] !== key) slot = (slot + 1) & PAIR_SLOTS;
      if (PAIRS[2 * slot + 1] === 0 && ++pairs > PAIR_SLOTS / 2) throw new Error('urgency gate: too many needed pairs');
      PAIRS[2 * slot] = key;
      PAIRS[2 * slot + 1] |= bit;
      if (!(GATE_SLOT[c] >> 8)) {
        if (++pairStarts > 255) throw new Error('urgency gate: more than 255 pair-start characters');
        GATE_SLOT[c] |= pairStarts << 8;
      }
      const c2 = piece.charCodeAt(1);
      PAIR_FILTER[2 * (GATE_SLOT[c] >> 8) + ((c2 >> 5) & 1)] |= 1 << (c2 & 31);
    } else throw new Error(`urgency gate: a need of one or two characters, not ${JSON.stringify(piece)}`);
  }
}
for (const [rule, bit] of RULE_BIT) gateNeeds(rule.need, bit);
for (const key of Object.keys(PATTERN_NEEDS) as (keyof typeof PATTERN_NEEDS)[]) gateNeeds(PATTERN_NEEDS[key], GATE[key]);

/** the gate bits of the pair `c1 c2` (0: no pattern needs it) */
function pairBits(c1: number, c2: number): number {
  const key = (c1 << 16) | c2;
  for (let slot = pairSlot(key); ; slot = (slot + 1) & PAIR_SLOTS) {
    const bits = PAIRS[2 * slot + 1];
    if (bits === 0 || PAIRS[2 * slot] === key) return bits;
  }
}

/** The patterns that may match `text`: the union of the gate bits of its characters and pairs (one pass, one table read per character). */
export function gateOf(text: string): number {
  let gate = 0;
  const last = text.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = text.charCodeAt(i);
    const slots = GATE_SLOT[c];
    if (slots === 0) continue;
    if (slots & 0xff) gate |= GATE_MASKS[slots & 0xff];
    const start = slots >> 8;
    if (start && i < last) {
      const c2 = text.charCodeAt(i + 1);
      if (PAIR_FILTER[2 * start + ((c2 >> 5) & 1)] & (1 << (c2 & 31))) gate |= pairBits(c, c2);
    }
  }
  return gate;
}

/**
 * `gateOf` the plain way (each need looked for with `includes`): what urgencyGate.test.ts compares it with. Bits in
 * RULE_BIT's order, then notUrgent, past, resolved, thanks.
 */
export function gateOfPlain(text: string): number {
  let gate = 0;
  for (const [rule, bit] of RULE_BIT) if (rule.need.split(' ').some((w) => text.includes(w))) gate |= bit;
  for (const key of Object.keys(PATTERN_NEEDS) as (keyof typeof PATTERN_NEEDS)[]) if (PATTERN_NEEDS[key].split(' ').some((w) => text.includes(w))) gate |= GATE[key];
  return gate;
}

export interface UrgencyResult {
  level: Urgency;
  urgent: boolean;
  reasons: string[];
  /** a danger phrase was found but negated or over, or the resident said 不紧急: the model may not raise this text */
  defused: boolean;
  /**
   * a danger phrase was only feared or asked about (万一着火, 真着火了往哪跑); set by the rules (detectUrgency,
   * analyseUrgency) only, never by the classifier's decision
   */
  hypothetical?: boolean;
  /**
   * false when the only defused danger was a near miss (幸好没砸到人): defused for the model's signal, but not set aside
   * (`allDangerSetAside`); set by the rules only, like `hypothetical`
   */
  setAside?: boolean;
}

/** The sentence around `index`: from the previous 。！？!?\n to the next. */
function sentenceAt(text: string, index: number, length: number): string {
  let from = index;
  while (from > 0 && !SENTENCE_STOP[text.charCodeAt(from - 1)]) from--;
  let to = index + length;
  while (to < text.length && !SENTENCE_STOP[text.charCodeAt(to)]) to++;
  return text.slice(from, to);
}
/** 。！？!?\n；; by char code (a regular expression test per character showed in the profile) */
const SENTENCE_STOP = new Uint8Array(65536);
for (const ch of '。！？!?\n；;') SENTENCE_STOP[ch.charCodeAt(0)] = 1;

/** Where the clause around `at` ends (the next ，,；; or the end). */
function clauseEnd(sentence: string, at: number): number {
  const m = /[，,；;]/.exec(sentence.slice(at));
  return m ? at + m.index : sentence.length;
}

const RESOLVED_G = new RegExp(RESOLVED.source, 'g');
const FIXED_G = new RegExp(FIXED.source, 'g');
/**
 * Whether a fix in the sentence ends the danger phrase at `at`: a fix told after it does (煤气味已经处理好了), and one
 * told before it does unless the danger comes back in between (昨天修好了，今天又有煤气味: 又, 今天, 还在 … after the fix).
 */
function fixedAround(sentence: string, at: number, fix: RegExp): boolean {
  let lastEnd = -1;
  // the global pattern itself from the start, not matchAll (which clones the pattern on every call): the same matches
  fix.lastIndex = 0;
  for (let m = fix.exec(sentence); m; m = nextMatch(fix, sentence, m)) {
    if (m.index >= at) return true;
    lastEnd = m.index + m[0].length;
  }
  return lastEnd >= 0 && !STILL.test(sentence.slice(lastEnd, at));
}

/** Global twins of each rule's pattern, compiled once. */
const GLOBAL = new Map<Rule, RegExp>(
  [...URGENT_RULES, ...SEMI_URGENT_RULES].map((r) => {
    if (r.pattern.flags) throw new Error(`urgency rule ${r.reason}: flags ${r.pattern.flags} (nextMatch steps over an empty match by one code unit)`);
    return [r, new RegExp(r.pattern.source, 'g')];
  }),
);
/** each rule's gate bit, in the rule lists' order */
const URGENT_BITS = URGENT_RULES.map((r) => RULE_BIT.get(r)!);
const SEMI_URGENT_BITS = SEMI_URGENT_RULES.map((r) => RULE_BIT.get(r)!);
/** the match after `last` of a global pattern, as matchAll's iteration finds it (an empty match steps one code unit on) */
function nextMatch(global: RegExp, text: string, last: RegExpExecArray): RegExpExecArray | null {
  if (last[0].length === 0) global.lastIndex++;
  return global.exec(text);
}

interface Live {
  reasons: string[];
  /** a danger phrase negated or over */
  defused: boolean;
  /** a danger phrase negated, fixed, past or thanked for (a near miss alone is defused but not set aside) */
  setAside: boolean;
  /** a danger phrase feared or asked about (怕…砸到人, 真着火了怎么办) */
  hypothetical: boolean;
}

/**
 * `askedAbout`: whether a question or warning right after the phrase (…怎么办, …往哪跑, …隐患) makes it talk
 * about a danger rather than one. True for the 紧急 rules (真着火了往哪跑 is no fire); false for the 次紧急 rules,
 * whose phrase is a fact the resident argues from: 安全出口被锁住了，出了事人怎么跑 and 停水两天了怎么办 are live.
 */
function live(text: string, gate: number, rules: Rule[], askedAbout = true): Live {
  const semi = !askedAbout;
  const reasons: string[] = [];
  let defused = false;
  let setAside = false;
  let hypothetical = false;
  let thanks: boolean | undefined; // THANKS.test(text), asked once a rule matches
  const bits = rules === URGENT_RULES ? URGENT_BITS : rules === SEMI_URGENT_RULES ? SEMI_URGENT_BITS : rules.map((r) => RULE_BIT.get(r)!);
  for (let k = 0; k < rules.length; k++) {
    // most texts match no rule: most rules are skipped by the gate (no needed character), the rest cost one scan each
    if (!(gate & bits[k])) continue;
    const rule = rules[k];
    // the global twin from the start: its first match is the test (no second scan to the same place, as a test and
    // then matchAll made); then each next match, as matchAll gave them
    const global = GLOBAL.get(rule)!;
    global.lastIndex = 0;
    let match = global.exec(text);
    if (!match) continue;
    thanks ??= (gate & GATE.thanks) !== 0 && THANKS.test(text);
    for (; match; match = nextMatch(global, text, match)) {
      const before = text.slice(Math.max(0, match.index! - 4), match.index);
      const after = text.slice(match.index! + match[0].length, match.index! + match[0].length + 6);
      const end = match.index! + match[0].length;
      if (HYPOTHETICAL_BEFORE.test(before) || HYPOTHETICAL_CLAUSE.test(text.slice(Math.max(0, match.index! - 14), match.index)) || (askedAbout && HYPOTHETICAL_AFTER.test(text.slice(end, end + 12)))) {
        hypothetical = true;
        continue;
      }
      const sentence = sentenceAt(text, match.index!, match[0].length);
      const at = sentence.indexOf(match[0]);
      // A 次紧急 fact is over when fixed anywhere in its sentence, or dated in the past up to the end of its own
      // clause: 消防通道被车堵死了，上个月隔壁着火消防车就进不去 is blocked now (the past is another event's).
      const over = semi
        ? fixedAround(sentence, at, FIXED_G) || (PAST.test(sentence.slice(0, clauseEnd(sentence, at + match[0].length))) && !STILL.test(sentence)) || thanks
        : fixedAround(sentence, at, RESOLVED_G) || (PAST.test(sentence) && !STILL.test(sentence)) || thanks;
      if (NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after) || over) {
        defused = true;
        // a near miss alone (幸好没砸到人, 幸亏孩子都在外面) ends the event for the model's signal, not the danger: tiles
        // still loose, a ceiling still sagging — only a negation, a fix, the past or thanks set the danger aside
        if (setAside || semi || NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after) || fixedAround(sentence, at, FIXED_G) || (PAST.test(sentence) && !STILL.test(sentence)) || thanks) setAside = true;
        continue;
      }
      reasons.push(rule.reason);
      break;
    }
  }
  return { reasons, defused, setAside, hypothetical };
}

export function detectUrgency(text: string): UrgencyResult {
  const gate = gateOf(text);
  if (saysNotUrgent(text, gate)) return { level: 'normal', urgent: false, reasons: [], defused: true };
  const urgent = live(text, gate, URGENT_RULES);
  if (urgent.reasons.length) return { level: 'urgent', urgent: true, reasons: urgent.reasons, defused: false };
  const semi = live(text, gate, SEMI_URGENT_RULES, false);
  return rulesResult(urgent, semi);
}

function rulesResult(urgent: Live, semi: Live): UrgencyResult {
  if (urgent.reasons.length) return { level: 'urgent', urgent: true, reasons: urgent.reasons, defused: false };
  if (semi.reasons.length) return { level: 'semi_urgent', urgent: false, reasons: semi.reasons, defused: urgent.defused };
  return { level: 'normal', urgent: false, reasons: [], defused: urgent.defused || semi.defused, setAside: urgent.setAside || semi.setAside, hypothetical: urgent.hypothetical || semi.hypothetical };
}

/**
 * The rules set every danger in the text aside and none fires live: each was negated (没有煤气味), over (上周…已经处理
 * 好了, 已经救出来了), or the resident said 不紧急 / 不急. The classifier's decision (classifier.ts `decideUrgency`) then
 * answers 普通 unless the model is very sure (URGENCY_THRESHOLDS.setAside): a 119 banner about a fixed gas smell is
 * wrong. A danger merely feared or asked about (万一着火) is not set aside here: the writers label many such texts 次紧急
 * (a blocked exit "万一着火怎么跑"), so the model keeps judging them.
 */
export function allDangerSetAside(rules: UrgencyResult): boolean {
  return rules.level === 'normal' && rules.defused && rules.setAside !== false;
}

/**
 * The rules as features for the trained urgency model (classifier.ts): which
 * rule fired live, whether a danger phrase was negated or over, whether the
 * resident said it is not urgent, whether the text speaks of the past or of a
 * fix. The model learns how far to trust each one (a rule that fires on a
 * wording the writers label 普通 gets a small weight) instead of the rules
 * deciding alone.
 */
export const URGENCY_SIGNALS: string[] = [
  ...URGENT_RULES.map((r) => `urgent:${r.reason}`),
  ...SEMI_URGENT_RULES.map((r) => `semi:${r.reason}`),
  'urgent:any',
  'semi:any',
  'defused',
  'not_urgent',
  'past',
  'resolved',
  // Appended after the list a stored model may have been trained with: a model reads only its own
  // first `urgencySignals` positions (classifier.ts), so a new signal must go at the end.
  'hypothetical',
];
const SIGNAL_INDEX = new Map(URGENCY_SIGNALS.map((s, i) => [s, i]));

/** Positions in URGENCY_SIGNALS of the signals present in `text`. */
export function urgencySignals(text: string): number[] {
  return analyseUrgency(text).signals;
}

/** `detectUrgency` and `urgencySignals` from one pass of the rules (the classifier needs both per text). */
export function analyseUrgency(text: string): { rules: UrgencyResult; signals: number[] } {
  // signal positions collected in a flag per position and read back in order: the same ascending list a Set,
  // a spread and a sort gave, without them or a named closure per text (each showed in the profile; under tsx a
  // named closure costs an Object.defineProperty each time it is made)
  const on = signalFlags.fill(0);
  const gate = gateOf(text);
  const urgent = live(text, gate, URGENT_RULES);
  const semi = live(text, gate, SEMI_URGENT_RULES, false);
  const notUrgent = (gate & GATE.notUrgent) !== 0 && NOT_URGENT.test(text);
  const rules: UrgencyResult = notUrgent && saysNotUrgent(text, gate) ? { level: 'normal', urgent: false, reasons: [], defused: true } : rulesResult(urgent, semi);
  for (const r of urgent.reasons) on[SIGNAL_INDEX.get(`urgent:${r}`)!] = 1;
  for (const r of semi.reasons) on[SIGNAL_INDEX.get(`semi:${r}`)!] = 1;
  if (urgent.reasons.length) on[SIGNAL.urgentAny] = 1;
  if (semi.reasons.length) on[SIGNAL.semiAny] = 1;
  if (urgent.defused || semi.defused) on[SIGNAL.defused] = 1;
  if (urgent.hypothetical || semi.hypothetical) on[SIGNAL.hypothetical] = 1;
  if (notUrgent) on[SIGNAL.notUrgent] = 1;
  if ((gate & GATE.past) !== 0 && PAST.test(text)) on[SIGNAL.past] = 1;
  if ((gate & GATE.resolved) !== 0 && RESOLVED.test(text)) on[SIGNAL.resolved] = 1;
  const signals: number[] = [];
  for (let k = 0; k < on.length; k++) if (on[k]) signals.push(k);
  return { rules, signals };
}
/** scratch flags of `analyseUrgency` (synchronous, never re-entered) */
const signalFlags = new Uint8Array(URGENCY_SIGNALS.length);
const SIGNAL = {
  urgentAny: SIGNAL_INDEX.get('urgent:any')!,
  semiAny: SIGNAL_INDEX.get('semi:any')!,
  defused: SIGNAL_INDEX.get('defused')!,
  hypothetical: SIGNAL_INDEX.get('hypothetical')!,
  notUrgent: SIGNAL_INDEX.get('not_urgent')!,
  past: SIGNAL_INDEX.get('past')!,
  resolved: SIGNAL_INDEX.get('resolved')!,
};

/** Every gated whole-text pattern with its needed characters: what urgency.test.ts proves the gate sound on. */
export function gatedPatterns(): { name: string; pattern: RegExp; need: string }[] {
  return [
    ...[...URGENT_RULES, ...SEMI_URGENT_RULES].map((r) => ({ name: r.reason, pattern: r.pattern, need: r.need })),
    { name: 'NOT_URGENT', pattern: NOT_URGENT, need: PATTERN_NEEDS.notUrgent },
    { name: 'PAST', pattern: PAST, need: PATTERN_NEEDS.past },
    { name: 'RESOLVED', pattern: RESOLVED, need: PATTERN_NEEDS.resolved },
    { name: 'THANKS', pattern: THANKS, need: PATTERN_NEEDS.thanks },
  ];
}
