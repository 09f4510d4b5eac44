import { loadTrainingCorpus } from '../src/classification/trainingData';
import { detectUrgency } from '../src/classification/urgency';
const c = loadTrainingCorpus();
const fp: string[] = [], fpS: string[] = [];
const cnt: Record<string, number> = {};
for (const e of c) {
  const u = detectUrgency(e.text);
  const k = `${e.urgency}->${u.level}`; cnt[k] = (cnt[k] ?? 0) + 1;
  if (u.level === 'urgent' && e.urgency !== 'urgent') fp.push(`${e.urgency} [${u.reasons}] ${e.text.slice(0, 90).replace(/\n/g, ' ')}`);
  if (u.level === 'semi_urgent' && e.urgency === 'normal') fpS.push(`[${u.reasons}] ${e.text.slice(0, 90).replace(/\n/g, ' ')}`);
}
console.log(cnt);
console.log(fp.slice(0, 70).join('\n'));
console.log('---semi fp'); console.log(fpS.slice(0, 25).join('\n'));
