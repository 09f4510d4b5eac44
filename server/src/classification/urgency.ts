/**
 * Life-or-safety danger happening now. Rules, not the model: a missed gas
 * leak costs far more than an extra phone call, the phrases are few and well
 * known, and every decision can be explained by the phrase that triggered it.
 * A match preceded by a negation ("没有着火") does not count, and a resident
 * who says it is not urgent ("不紧急") is believed.
 */
interface Rule {
  reason: string;
  pattern: RegExp;
}

const RULES: Rule[] = [
  { reason: '燃气泄漏', pattern: /(燃气|煤气|天然气|液化气)[^，。,.]{0,4}(泄漏|泄露|漏气|在漏)|(煤气|燃气|天然气)味|漏气/ },
  { reason: '电梯困人', pattern: /电梯[^，。,.]{0,8}(困人|困住|被困|困在|出不来)|困在电梯|被困电梯/ },
  { reason: '火情', pattern: /着火|起火|失火|火灾|火势|烧起来了/ },
  { reason: '窨井盖缺失', pattern: /(窨井盖|井盖|盖板)[^，。,.]{0,6}(缺失|不见|丢|没了|被偷|偷走|掉下去)|没有井盖|井盖.{0,4}大洞|黑洞洞/ },
  { reason: '外墙或高空坠物', pattern: /外墙[^，。,.]{0,6}(脱落|掉)|瓷砖[^，。,.]{0,6}(脱落|掉)|玻璃幕墙[^，。,.]{0,10}(掉|脱落|碎)|摇摇欲坠/ },
  { reason: '爆管', pattern: /爆管|(水管|管道|总管)[^，。,.]{0,4}(爆裂|爆了|破裂)/ },
  { reason: '倒树挡路', pattern: /(树|大树)[^，。,.]{0,6}(倒|吹倒|倒下)[^。]{0,12}(挡|堵|路|车道)|倒树/ },
  { reason: '危重病人就医受阻', pattern: /救护车[^，。,.]{0,10}(没来|还没到|进不来|堵|过不去|没到)|(病人|老人)[^，。,.]{0,8}(危急|昏迷|晕倒|不省人事)|晕倒|心脏病发|呼吸困难/ },
  { reason: '路面塌陷', pattern: /塌陷|地陷|路面下沉/ },
  { reason: '触电危险', pattern: /触电|漏电|电线[^，。,.]{0,6}(裸露|掉在地上|断了)/ },
  { reason: '人员被困或落水', pattern: /有人(掉进|落水|被困)|溺水|困在里面/ },
];

const NEGATION_BEFORE = /(不|没|未|无|并非|不是|没有)[^，。,.！!？?]{0,2}$/;
const NOT_URGENT = /(不|并不|不是很|没那么)(紧急|着急|急)|不急|有空.{0,4}(来|处理)/;

export interface UrgencyResult {
  urgent: boolean;
  reasons: string[];
}

export function detectUrgency(text: string): UrgencyResult {
  if (NOT_URGENT.test(text)) return { urgent: false, reasons: [] };
  const reasons: string[] = [];
  for (const rule of RULES) {
    const global = new RegExp(rule.pattern.source, 'g');
    for (const match of text.matchAll(global)) {
      const before = text.slice(Math.max(0, match.index! - 4), match.index);
      if (!NEGATION_BEFORE.test(before)) {
        reasons.push(rule.reason);
        break;
      }
    }
  }
  return { urgent: reasons.length > 0, reasons };
}
