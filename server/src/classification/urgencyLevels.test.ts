import { PassThrough, Writable } from 'node:stream';
import test from 'ava';
import { emergencyNumberFor } from '@ssp/shared';
import { DEFAULT_TREE } from '../categories/defaultTree';
import { bestTemperature, Classifier, combineUrgency, decideUrgency, THIRD_ROUND_URGENCY_THRESHOLDS, URGENCY_THRESHOLDS } from './classifier';
import { buildCharVocabulary, charFeatures } from './features';
import { evaluate } from './evaluate';
import { predictStream } from './predictFile';
import { examplesOf, leavesOf, loadSeedCorpus, loadTrainingCorpus, seedTreeAsNodes } from './trainingData';
import { detectUrgency, URGENCY_SIGNALS, urgencySignals } from './urgency';

test('urgency levels: danger now is 紧急, within-a-day problems are 次紧急, the rest 普通', (t) => {
  for (const text of ['楼道里煤气味很重，头都晕了', '电梯卡在两层中间，里面有小孩', '楼下电瓶车冒烟了']) t.is(detectUrgency(text).level, 'urgent', text);
  for (const text of ['我们整栋楼从早上停水到现在', '楼里的消防通道被杂物堵死了', '路口红绿灯全灭了，车子乱开', '污水从地漏倒灌进家里了']) {
    const u = detectUrgency(text);
    t.is(u.level, 'semi_urgent', text);
    t.false(u.urgent);
    t.true(u.reasons.length > 0);
  }
  t.is(detectUrgency('小区绿化带的草很久没修剪了').level, 'normal');
});

test('urgency: negated and past dangers are 普通, a danger happening again is not', (t) => {
  for (const text of ['上周的煤气味已经处理好了，想表扬一下燃气公司', '没有着火，只是油烟大', '之前电梯困人的事想投诉一下物业', '昨天的爆管已经修好了，路面还没清理', '去年楼道着火以后一直没装灭火器']) {
    const u = detectUrgency(text);
    t.is(u.level, 'normal', text);
    t.true(u.defused, text);
  }
  t.is(detectUrgency('上周煤气味处理过，今天又闻到很浓的煤气味').level, 'urgent');
});

test('urgency: a feared, warned-about or asked-about danger is not live, but feeds the model a hypothetical signal', (t) => {
  const names = (text: string) => urgencySignals(text).map((i) => URGENCY_SIGNALS[i]);
  for (const text of [
    '楼顶搭了一间铁皮房，我怕刮风吹下来砸到人',
    '小区的灭火器全部过期了，真着火了怎么办',
    '群租房私拉电线，存在火灾隐患',
    '电动车推进电梯充电，很容易引发火灾',
    '燃气报警器响了好几次，燃气公司来了说是误报',
    '我跟侬讲清爽，勿是着火，是楼下在熏腊肉',
    '前两天楼道里电瓶车着火了，幸亏邻居发现得早，灭掉了',
  ]) t.not(detectUrgency(text).level, 'urgent', text);
  t.true(names('楼顶搭了一间铁皮房，我怕刮风吹下来砸到人').includes('hypothetical'));
  t.false(names('楼顶搭了一间铁皮房，我怕刮风吹下来砸到人').includes('urgent:any'));
});

test('urgency: emergencies worded without the classic phrases are 紧急, within-a-day problems 次紧急', (t) => {
  for (const text of ['家里燃气报警器一直在叫', '老先生倒在楼道里，叫不醒', '我爸心梗，人快不行了', '地下室通风口冒出浓烟', '吴中路686弄2号梯困人2个', '槽罐车侧翻在路边', '楼下在喊救命']) {
    t.is(detectUrgency(text).level, 'urgent', text);
  }
  for (const text of ['这栋楼停电已经四个小时了', '150户停电至今', '小区消防栓拧开没水', '地下车库进水了', '公厕堵了，粪水溢出来了', '阿拉二十层的电梯坏脱两日了，老人下不来']) {
    t.is(detectUrgency(text).level, 'semi_urgent', text);
  }
  t.is(detectUrgency('夜里有一股橡胶烧焦的味道').level, 'normal', 'a burnt smell alone is a smell complaint');
  t.is(detectUrgency('公共的落水管子漏掉了').level, 'normal', '落水管 is a drainpipe, not someone in the water');
});

test('次紧急 as residents say it (sixth round): a building without power or gas, a locked fire door, a dark traffic light, a broken guardrail, a ceiling pouring water, a river being dyed', (t) => {
  for (const text of [
    '5号楼停电已经六个钟头了',
    '整个小区没燃气，饭都烧不了',
    '整幢楼烧饭的煤气都断了，老人小孩等吃饭',
    '我们小区从早上停电到现在',
    '商场疏散楼梯的防火门被铁链锁住了',
    '十字路口的红绿灯全部黑掉了',
    '马路中间的隔离栏被撞倒了一大片',
    '楼上卫生间漏水，水顺着我家天花板往下流',
    '那家厂正在往河里排红颜色的水',
    '井盖松动，请今日派人到场处理',
    '电梯坏了三天，我住十八楼，腿不好下不去',
  ]) t.is(detectUrgency(text).level, 'semi_urgent', text);
  // the near misses: one household, a chronic nuisance, a dent, a headline
  for (const text of [
    '家里热水器坏了，一个礼拜没热水',
    '人行道地砖翘起来几块，走路绊脚',
    '隔离栏被撞弯了',
    '这条河常年发黑发臭',
    '楼上邻居装修太吵了',
    '今日头条上看到说要修路',
    '整幢楼停电是上周的事，已经恢复了',
  ]) t.is(detectUrgency(text).level, 'normal', text);
});

test('a question after a 次紧急 fact does not defuse it; after a 紧急 phrase it still does (真着火了往哪跑 is no fire)', (t) => {
  for (const text of ['安全出口被锁住了，出了事人怎么跑', '小区消防车道上停满了车，真着火了消防车怎么进来']) {
    const u = detectUrgency(text);
    t.is(u.level, 'semi_urgent', text);
    t.deepEqual(u.reasons, ['消防通道堵塞'], text);
  }
  t.is(detectUrgency('楼道里堆满了纸箱，真着火了往哪跑').level, 'normal');
  t.is(detectUrgency('楼道里着火了，往哪跑都是烟').level, 'urgent', 'a live fire with 往哪 later in the clause, not a question about one');
});

test('a 次紧急 fact is not defused by another event\'s past or a near miss later in its sentence; a fix or its own past still defuses it', (t) => {
  for (const text of [
    '消防通道被私家车堵死了，上个月隔壁小区着火消防车就是进不去',
    '马路上井盖碎了，幸好没人掉下去，今天来修一下',
    '我们整栋楼的煤气从昨天开始打不着火',
    '整栋楼早上起就没有煤气了，不是漏气',
  ]) t.is(detectUrgency(text).level, 'semi_urgent', text);
  for (const text of ['上个月，消防通道被私家车堵过一次', '上个月消防通道被私家车堵死了，现在没事了', '上周整栋楼停电三天，已经恢复了', '家里煤气灶打不着火了']) {
    t.is(detectUrgency(text).level, 'normal', text);
  }
  // for a 紧急 phrase a near miss still ends it
  t.is(detectUrgency('上周楼道里着火了，幸亏发现得早').level, 'normal');
});

test('紧急 as new writers say it (seventh round): each phrase fires, and its near miss does not', (t) => {
  // [a current danger said indirectly, a near miss that must stay below 紧急]
  const pairs: [string, string][] = [
    ['厨房里一股味道，像坏掉的鸡蛋，我头有点晕', '早饭的鸡蛋好像坏了，超市卖过期货'],
    ['我家楼下冒上来好多黑烟，楼梯里也是烟', '楼下饭店的烟囱正对我家窗户，天天有油烟'],
    ['插线板一个接一个，插头都烧黑了，还在充电', '买的电热水壶插头处烧焦了，没有着火，商家不给退'],
    ['树枝压在电线上冒火星', '电线杆上的小广告贴得到处都是'],
    ['雨水井盖被车压碎，井口敞开着，正好在非机动车道上', '井口边上的草长得太高了'],
    ['楼上砸下来一个花盆', '楼上邻居扔烟头下来，弄脏我家阳台'],
    ['店招松了在晃，下面全是人', '沿街店招设计得太难看，和街景不协调'],
    ['教学楼走廊吊顶掉落一块，旁边一大片吊顶下垂悬着', '想问问家里吊顶装修用什么材料好'],
    ['窗户玻璃斜挂在窗框上，随时可能坠落', '小区的窗户都是老式钢窗，想问能不能统一换'],
    ['水管爆了，路上全是水', '楼上水管漏水，弄得我家墙皮发霉'],
    ['大树根都翘了，歪向马路', '行道树的树枝歪歪扭扭的，不好看'],
    ['菜场门口有个阿姨晕过去了，叫伊也不响', '天太热，人晕乎乎的，想问空调补贴怎么申请'],
    ['我家老头子吃了饭突然说话说不清楚，嘴巴歪了', '楼下喇叭声太大，说话都听不清楚'],
    ['老伯胸口痛，打了120半个钟头了车子还没到', '打了120，车子很快就到了，想表扬一下急救中心'],
    ['单位订的盒饭，已有19人呕吐腹泻，4人送医院', '宿舍好几个人拉肚子，想问食堂归哪里管'],
    ['公司食堂吃完午饭，有个同事吐得站不起来了', '吃坏了肚子，吐了一晚上，现在好了，想投诉那家店'],
    ['隔壁独居的老伯两天没出门了，敲门不应', '隔壁一个人住的小伙子装修太吵'],
    ['隔壁老头子两天没开门了，牛奶摆在门口也没拿', '小区门口那家健身房好几天没开门了，卡里还有钱'],
    ['我们楼里一个糊涂的老头子昨晚跑出去，到现在还没回来', '老人们都去旅游了，过两天回来'],
    ['工友爬到塔吊上去了，说不给钱就跳下去', '难道欠薪要我们去跳楼吗，老板三个月没发工资'],
    ['电线泡在积水里，刚才有条狗被电了一下', '骑车被电动车撞了一下，对方跑了'],
    ['楼下砸墙开店，我家墙上的裂缝越来越大', '墙上有条细裂缝，好多年了，想问维修基金怎么用'],
    ['今天打电话主要是因为对面独居老人屋里一直冒烟，敲门没人应', '主要是楼下烧烤店的油烟，天天熏'],
  ];
  for (const [fires, near] of pairs) {
    t.is(detectUrgency(fires).level, 'urgent', fires);
    t.not(detectUrgency(near).level, 'urgent', near);
  }
});

test('a live 紧急 rule decides 紧急 unless the model all but rules it out; a negated, past or 不紧急 match never does', (t) => {
  const floor = URGENCY_THRESHOLDS.ruleFloor!;
  t.true(floor > 0 && floor < URGENCY_THRESHOLDS.urgent);
  // h12's 井盖丢了…黑洞在路中间: the model said P(紧急) 0.38 against P(次紧急) 0.58 and the ratio made it 次紧急
  const manhole = detectUrgency('井盖丢了一个礼拜，锥桶昨晚被撞飞了，现在就一个黑洞在路中间');
  t.is(manhole.level, 'urgent');
  const u = decideUrgency(manhole, 0.38, 0.58);
  t.is(u.level, 'urgent');
  t.deepEqual(u.reasons, ['窨井盖缺失'], 'the rule is the reason shown (and picks the number to call)');
  t.is(decideUrgency(manhole, floor, 1 - floor).level, 'urgent', 'at the floor');
  t.is(decideUrgency(manhole, floor / 2, 0.9).level, 'semi_urgent', 'below the floor the model decides');
  t.is(decideUrgency(manhole, 0.38, 0.58, { ...URGENCY_THRESHOLDS, ruleFloor: undefined }).level, 'semi_urgent', 'without a floor (stored older thresholds) the ratio still decides');
  // no live rule: the floor does nothing
  t.is(decideUrgency(detectUrgency('路灯不亮了'), 0.38, 0.58).level, 'semi_urgent');
  // defused, past or 不紧急: the rules' verdict is not 紧急, so the floor does not apply, and with every danger set
  // aside the model must be very sure (setAsideUrgent / setAsideSemi) to raise the text at all
  t.is(decideUrgency(detectUrgency('上周井盖丢了，已经补好了'), 0.1, 0.05).level, 'normal');
  t.is(decideUrgency(detectUrgency('井盖有点松，不紧急'), 0.1, 0.05).level, 'normal');
  t.is(decideUrgency(detectUrgency('上周井盖丢了，已经补好了'), 0.1, 0.05, { ...URGENCY_THRESHOLDS, setAsideUrgent: undefined, setAsideSemi: undefined }).level, 'semi_urgent', 'without the set-aside thresholds the model raised it');
});

test('models stored before the rule signals: the text-only model can raise a level but never overrides a negated or past danger', (t) => {
  const plain = detectUrgency('隔壁那家一直没动静');
  t.is(combineUrgency(plain, 0.9, 0.05).level, 'urgent');
  t.is(combineUrgency(plain, 0.1, 0.6).level, 'semi_urgent');
  t.is(combineUrgency(plain, 0.05, 0.1).level, 'normal');
  const past = detectUrgency('上周的煤气味已经处理好了');
  t.is(combineUrgency(past, 0.99, 0).level, 'normal');
  t.is(combineUrgency(detectUrgency('不急，有空来看看路灯'), 0.99, 0).level, 'normal');
  // a rule's 紧急 stays 紧急 whatever the model says
  t.is(combineUrgency(detectUrgency('楼道里有煤气味'), 0, 0).level, 'urgent');
});

test('rule signals for the urgency model: a live rule, a negated or past danger, 不紧急', (t) => {
  const names = (text: string) => urgencySignals(text).map((i) => URGENCY_SIGNALS[i]);
  t.deepEqual(names('楼道里煤气味很重'), ['urgent:燃气泄漏', 'urgent:any']);
  t.true(names('没有着火，只是油烟大').includes('defused'));
  t.false(names('没有着火，只是油烟大').includes('urgent:any'));
  t.deepEqual(names('上周的煤气味已经处理好了').filter((n) => n.startsWith('urgent')), []);
  t.true(names('上周的煤气味已经处理好了').includes('past'));
  t.true(names('上周的煤气味已经处理好了').includes('resolved'));
  t.true(names('井盖有点松，不紧急').includes('not_urgent'));
  t.true(names('我们整栋楼从早上停水到现在').includes('semi:整栋停水停电停气'));
  t.deepEqual(names('小区绿化带的草很久没修剪了'), []);
});

test('the urgency model decides with its thresholds; reasons come from an agreeing rule, else the likely category', (t) => {
  const { urgent: tu, semiUrgent: ts } = URGENCY_THRESHOLDS;
  const gas = detectUrgency('楼道里有煤气味');
  t.deepEqual(decideUrgency(gas, tu, 0, URGENCY_THRESHOLDS, '燃气泄漏').reasons, ['燃气泄漏']);
  const floor = URGENCY_THRESHOLDS.ruleFloor ?? tu;
  t.is(decideUrgency(gas, floor / 2, 0).level, ts <= floor / 2 ? 'semi_urgent' : 'normal', 'a rule the model all but rules out does not decide alone');
  const plain = detectUrgency('隔壁那家一直没动静');
  const u = decideUrgency(plain, tu + 0.01, 0, URGENCY_THRESHOLDS, '独居老人');
  t.is(u.level, 'urgent');
  t.deepEqual(u.reasons, ['可能危及人身安全：独居老人']);
  t.is(decideUrgency(plain, ts / 2, ts / 2 + 0.01).level, 'semi_urgent');
  t.is(decideUrgency(plain, ts / 4, ts / 4).level, 'normal');
  // 紧急 also needs P(紧急) ≥ urgentOverSemi × P(次紧急): a model sure it is within-a-day says 次紧急
  const k = URGENCY_THRESHOLDS.urgentOverSemi ?? 0;
  if (k > 0) {
    t.is(decideUrgency(plain, tu + 0.01, (tu + 0.01) / k + 0.01).level, 'semi_urgent');
    t.is(decideUrgency(plain, tu + 0.01, (tu + 0.01) / k - 0.01).level, 'urgent');
  }
  t.is(decideUrgency(plain, 0.3, 0.7, { urgent: 0.2, semiUrgent: 0.08, urgentOverSemi: 0.5 }).level, 'semi_urgent');
  t.is(decideUrgency(plain, 0.3, 0.55, { urgent: 0.2, semiUrgent: 0.08, urgentOverSemi: 0.5 }).level, 'urgent');
  t.is(decideUrgency(plain, 0.3, 0.7, { urgent: 0.2, semiUrgent: 0.08 }).level, 'urgent', 'older thresholds: no ratio');
});

test('the call banner number follows the reasons: fire/gas 119, illness 120, otherwise 110', (t) => {
  t.is(emergencyNumberFor(['燃气泄漏']).number, '119');
  t.is(emergencyNumberFor(['火情']).number, '119');
  t.is(emergencyNumberFor(['有人昏迷、急病或中毒']).number, '120');
  t.is(emergencyNumberFor(['电梯困人']).number, '110');
  t.is(emergencyNumberFor(['人身安全']).number, '110');
});

// A small model with an urgency head: the seed corpus plus a slice of the writers' corpus (fast enough for a test).
const tree = seedTreeAsNodes(DEFAULT_TREE);
const corpusSlice = loadTrainingCorpus().filter((_, i) => i % 8 === 0);
const small = Classifier.train([...loadSeedCorpus(), ...examplesOf(tree), ...corpusSlice], leavesOf(tree), 1, { calibrationFolds: 2 });

test('a model trained on texts with urgency labels says urgency on every classification and keeps it through storage', (t) => {
  const r = small.classify('整栋楼停电了，二十楼的老人下不来');
  t.true(['urgent', 'semi_urgent', 'normal'].includes(r.urgency));
  t.is(r.urgent, r.urgency === 'urgent');
  t.true(small.temperature > 0);
  const back = Classifier.deserialize(small.serialize());
  t.is(back.temperature, small.temperature);
  for (const text of ['整栋楼停电了，二十楼的老人下不来', '楼下广场舞太吵', '标题：关于小区垃圾\n尊敬的领导：您好！垃圾三天没人清运']) t.deepEqual(back.classify(text), small.classify(text));
});

test('a model stored with fewer rule signals than the code now has reads only its own (no out-of-range columns, no NaN)', (t) => {
  // Rebuild `small` as if it had been stored before the last signal existed: one signal row fewer in
  // the urgency weights (feature-major: the last row sits just before the 3 biases, which are followed
  // by the text-only twin's weights and biases) and a header saying so.
  // the float32 layout: these stand for models stored by earlier code, before the leaf and first-level weights were int8
  const buf = small.withWeightFormat('float32').serialize();
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  t.is(header.urgencySignals, URGENCY_SIGNALS.length);
  const body = buf.subarray(4 + headerLength);
  const twin = ((header.numFeatures + header.urgencyChars.length) * 3 + 3) * 4;
  const end = body.length - twin;
  const cut = Buffer.concat([body.subarray(0, end - 6 * 4), body.subarray(end - 3 * 4)]);
  const older = Buffer.from(JSON.stringify({ ...header, urgencySignals: URGENCY_SIGNALS.length - 1 }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(older.length);
  const old = Classifier.deserialize(Buffer.concat([len, older, cut]));
  const text = '楼顶搭了一间铁皮房，我怕刮风吹下来砸到人'; // sets the last signal (hypothetical)
  t.true(urgencySignals(text).includes(URGENCY_SIGNALS.length - 1));
  const u = old.urgencyOf(text);
  t.true(Number.isFinite(u.modelUrgent) && Number.isFinite(u.modelSemi), JSON.stringify(u));
  t.deepEqual(old.classify('楼道里煤气味很重').urgency, 'urgent');
});

test('fourth round: the urgency model stores its character block and text-only twin; a third-round model still loads and decides as before', (t) => {
  // the float32 layout: these stand for models stored by earlier code, before the leaf and first-level weights were int8
  const buf = small.withWeightFormat('float32').serialize();
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  t.true(header.urgencyChars.length > 100, 'a character vocabulary is stored');
  t.is(header.urgencyCharIdf.length, header.urgencyChars.length);
  const back = Classifier.deserialize(buf);
  for (const text of ['楼道里冒黑烟了，快来', '整栋楼停水一天了', '小区绿化带的草很久没修剪了']) t.deepEqual(back.urgencyOf(text), small.urgencyOf(text), text);

  // The same model as the third round stored it: no character rows in the urgency weights, no twin, no character header.
  const F = header.numFeatures;
  const U = header.urgencyChars.length;
  const S = header.urgencySignals;
  const body = buf.subarray(4 + headerLength);
  const urgencyBytes = ((F + U + S) * 3 + 3) * 4;
  const firstParts = body.length - urgencyBytes - ((F + U) * 3 + 3) * 4;
  const urgency = body.subarray(firstParts, firstParts + urgencyBytes);
  const thirdUrgency = Buffer.concat([urgency.subarray(0, F * 3 * 4), urgency.subarray((F + U) * 3 * 4)]);
  const { urgencyChars: _c, urgencyCharIdf: _i, urgencyCharScale: _s, urgencyTextOnlyWeight: _w, ...thirdHeader } = header;
  const h = Buffer.from(JSON.stringify(thirdHeader));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  const third = Classifier.deserialize(Buffer.concat([len, h, body.subarray(0, firstParts), thirdUrgency]));
  for (const text of ['楼道里煤气味很重', '整栋楼停水一天了', '小区绿化带的草很久没修剪了']) {
    const u = third.urgencyOf(text);
    t.true(Number.isFinite(u.modelUrgent) && Number.isFinite(u.modelSemi), text);
    // third-round thresholds for a third-round model
    t.is(u.level, u.modelUrgent >= THIRD_ROUND_URGENCY_THRESHOLDS.urgent ? 'urgent' : u.modelUrgent + u.modelSemi >= THIRD_ROUND_URGENCY_THRESHOLDS.semiUrgent ? 'semi_urgent' : 'normal', text);
  }
  // first-level answers do not depend on the urgency parts
  t.deepEqual(third.classify('楼下广场舞太吵').top3, small.classify('楼下广场舞太吵').top3);
});

test('the character block: lower case, a digit run counts once, punctuation never, L2 norm = its scale', (t) => {
  const vocab = buildCharVocabulary(['煤气味12号', '煤气味3楼！', 'AB煤气', 'ab烟']);
  t.false(vocab.chars.includes('！'));
  t.true(vocab.chars.includes('0'), 'digit runs as 0');
  t.true(vocab.chars.includes('a'), 'upper case folded');
  const x = charFeatures('煤气味 123456！', vocab, 100, 0.5);
  const cols = Array.from(x.indices);
  t.true(cols.every((j) => j >= 100));
  t.is(new Set(cols).size, cols.length);
  t.is(cols.length, 4); // 煤 气 味 0
  t.is(Math.round(Math.sqrt(Array.from(x.values).reduce((a, v) => a + v * v, 0)) * 1e5) / 1e5, 0.5);
  t.deepEqual(Array.from(charFeatures('！！', vocab, 0, 0.5).indices), []);
});

test('temperature: an over-confident model gets T > 1, an under-confident one T < 1', (t) => {
  // 60 % right at confidence 0.95: over-confident.
  const over = Array.from({ length: 100 }, (_, i) => ({ p: Float64Array.from([0.95, 0.05]), right: i % 10 < 6 ? 0 : 1 }));
  t.true(bestTemperature(over) > 1);
  // always right at confidence 0.6: under-confident.
  const under = Array.from({ length: 100 }, () => ({ p: Float64Array.from([0.6, 0.4]), right: 0 }));
  t.true(bestTemperature(under) < 1);
});

test('eval: ECE, reliability bins, per-register accuracy and 次紧急 precision/recall match a hand computation', (t) => {
  const answers: Record<string, { first: string; confidence: number; urgency: 'urgent' | 'semi_urgent' | 'normal' }> = {
    a: { first: 'noise', confidence: 0.95, urgency: 'normal' },
    b: { first: 'noise', confidence: 0.91, urgency: 'semi_urgent' },
    c: { first: 'traffic', confidence: 0.55, urgency: 'semi_urgent' },
    d: { first: 'traffic', confidence: 0.52, urgency: 'urgent' },
  };
  const fake = {
    classify: (text: string) => {
      const a = answers[text];
      const firstLevelTop3 = [{ code: a.first, name: a.first, probability: a.confidence }];
      return { firstLevel: firstLevelTop3[0], firstLevelTop3, confidence: a.confidence, urgent: a.urgency === 'urgent', urgency: a.urgency } as ReturnType<Classifier['classify']>;
    },
  };
  const report = evaluate(fake, [
    { text: 'a', label: 'noise', register: 'snap', urgency: 'normal' }, // right
    { text: 'b', label: 'health', register: 'snap', urgency: 'semi_urgent' }, // wrong; semi right
    { text: 'c', label: 'traffic', register: 'letter', urgency: 'normal' }, // right; semi false positive
    { text: 'd', label: 'traffic', register: 'letter', urgency: 'semi_urgent' }, // right; semi missed (said urgent)
  ]);
  // bin 0.9–1.0: 2 texts, mean confidence 0.93, accuracy 0.5 → gap 0.43; bin 0.5–0.6: mean 0.535, accuracy 1 → gap 0.465
  // ECE = 0.5 × 0.43 + 0.5 × 0.465 = 0.4475
  t.is(report.ece, 0.4475);
  t.deepEqual(report.reliability[9], { from: 0.9, to: 1, n: 2, meanConfidence: 0.93, accuracy: 0.5 });
  t.deepEqual(report.reliability[5], { from: 0.5, to: 0.6, n: 2, meanConfidence: 0.535, accuracy: 1 });
  t.is(report.reliability[0].n, 0);
  t.deepEqual(report.perRegister, { letter: { n: 2, accuracy: 1, top3: 1 }, snap: { n: 2, accuracy: 0.5, top3: 0.5 } });
  t.is(report.semiUrgentPrecision, 0.5);
  t.is(report.semiUrgentRecall, 0.5);
  // 紧急 from `urgency`: d was predicted urgent but labelled semi → one false positive, no true positive
  t.is(report.urgentPrecision, 0);
  t.is(report.urgentRecall, null);
});

test('predict-file: one line per input in order, bad and blank lines answered in place, output streams before the input ends', async (t) => {
  const input = new PassThrough();
  const out: string[] = [];
  let notify: (() => void) | null = null;
  const output = new Writable({
    write(chunk, _enc, done) {
      out.push(...chunk.toString().split('\n').filter(Boolean));
      notify?.();
      done();
    },
  });
  const running = predictStream(small, input, output);
  const waitFor = (n: number) => new Promise<void>((resolve) => {
    const check = () => (out.length >= n ? resolve() : (notify = check));
    check();
  });
  input.write(JSON.stringify({ text: '楼下广场舞每天晚上太吵了', id: 1 }) + '\n');
  await waitFor(1); // answered while the input is still open: streamed, not read whole
  input.write('not json\n\n');
  input.write(JSON.stringify({ id: 3 }) + '\n');
  input.end(JSON.stringify({ text: '老板拖欠了三个月工资' }) + '\n');
  const summary = await running;
  t.deepEqual(summary, { lines: 5, errors: 3 });
  t.is(out.length, 5);
  const rows = out.map((l) => JSON.parse(l));
  t.is(rows[0].firstLevel, 'noise');
  t.deepEqual(Object.keys(rows[0]), ['firstLevel', 'firstLevelTop3', 'category', 'urgency', 'confidence']);
  t.is(rows[0].firstLevelTop3.length, 3);
  t.deepEqual(rows[1], { line: 2, error: '不是合法的 JSON' });
  t.deepEqual(rows[2], { line: 3, error: '空行' }, 'a blank line is answered in place: output line N answers input line N');
  t.is(rows[3].line, 4);
  t.is(rows[4].firstLevel, 'labor_social');
});
