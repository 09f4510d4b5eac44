import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createReportSchema, toFieldIssues } from '@ssp/shared';
import * as taro from './taroStub';
import { discardDraft, loadDraft, newDraft, saveDraft } from '../src/services/drafts';
import { choosePhotos, uploadImage } from '../src/services/media';
import { createReport } from '../src/services/reports';
import { ApiError } from '../src/services/api';
import { currentLanguage, fieldMessage, i18n, languageFromSystem, setLanguage, t } from '../src/i18n';
import { answerLabel, categoryName, districtName, zoneBanner } from '../src/i18n';
import { applyPageTitle, pageTitle, type PageTitleKey } from '../src/lib/pageTitle';
import { consent, ensurePrivacyAuthorized, handleWechatPrivacyRequest, recordConsent, whenPrivacyNoticeNeeded } from '../src/services/privacy';
import { successUrl } from '../src/report/useReportDraft';
import { zhCN } from '../src/i18n/zh-CN';
import { en } from '../src/i18n/en';

const SESSION = { token: 'tok', expiresAt: Date.now() + 3600_000, user: { id: 'u1', role: 'citizen' } };

beforeEach(() => {
  taro.reset();
  taro.storage.set('session', SESSION);
  setLanguage('zh-CN');
});

describe('draft store', () => {
  it('keeps a draft across restarts with the same idempotency key, and forgets it when discarded', () => {
    const d = { ...newDraft('complaint'), description: '路灯不亮', answers: { pole_number: '看不到编号' } };
    saveDraft(d);
    const back = loadDraft('complaint');
    expect(back.idempotencyKey).toBe(d.idempotencyKey);
    expect(back.description).toBe('路灯不亮');
    expect(back.answers).toEqual({ pole_number: '看不到编号' });
    expect(loadDraft('snap').idempotencyKey).not.toBe(d.idempotencyKey);
    discardDraft('complaint');
    expect(loadDraft('complaint').idempotencyKey).not.toBe(d.idempotencyKey);
  });

  it('an upload or a submit cut off by a restart comes back as failed, to be retried (in the app language)', () => {
    saveDraft({ ...newDraft('snap'), photos: [{ localPath: 'a.jpg', status: 'uploading', progress: 40 }], submit: { state: 'submitting' } });
    const back = loadDraft('snap');
    expect(back.photos[0].status).toBe('failed');
    expect(back.photos[0].error).toBe('上传中断，请重试');
    expect(back.submit).toEqual({ state: 'failed', message: '上次提交未完成，请再次提交（不会重复）', network: true });
    setLanguage('en');
    expect(loadDraft('snap').photos[0].error).toBe('Upload interrupted, please retry');
  });

  it('drafts saved before questions and zones existed load with empty answers and no zone', () => {
    const old = { ...newDraft('complaint') } as Record<string, unknown>;
    delete old.answers;
    delete old.zone;
    taro.storage.set('draft:complaint', old);
    const back = loadDraft('complaint');
    expect(back.answers).toEqual({});
    expect(back.zone).toBeNull();
  });
});

describe('idempotency key reuse', () => {
  it('a retried submit sends the same Idempotency-Key as the first attempt, and the language', async () => {
    const draft = newDraft('complaint');
    saveDraft(draft);
    let n = 0;
    taro.onRequest(() => (++n === 1 ? Promise.reject(new Error('network down')) : { statusCode: 201, data: { id: 'r1', ticketNo: 'SH1' } }));
    const input = { kind: 'complaint', description: '人行道地砖松动很久了', location: { address: '人民大道' } } as never;
    await expect(createReport(input, loadDraft('complaint').idempotencyKey)).rejects.toBeInstanceOf(ApiError);
    setLanguage('en');
    await createReport(input, loadDraft('complaint').idempotencyKey);
    const keys = taro.calls.filter((c) => c.url.endsWith('/reports')).map((c) => c.header?.['Idempotency-Key']);
    expect(keys).toEqual([draft.idempotencyKey, draft.idempotencyKey]);
    expect(taro.calls.at(-1)!.header?.['Accept-Language']).toBe('en');
  });
});

describe('upload retry', () => {
  it('a server refusal carries the server message; a dropped connection is a network error; a retry uploads again', async () => {
    taro.onUpload(() => ({ statusCode: 415, data: JSON.stringify({ error: { code: 'MEDIA_UNSUPPORTED_TYPE', message: '仅支持 JPEG、PNG、WebP 格式的图片' } }) }));
    const refused = await uploadImage('a.gif').catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.code).toBe('MEDIA_UNSUPPORTED_TYPE');
    expect(refused.isNetwork).toBe(false);
    taro.onUpload(() => 'fail');
    const dropped = await uploadImage('a.jpg').catch((e) => e);
    expect(dropped.code).toBe('NETWORK');
    expect(dropped.isNetwork).toBe(true);
    taro.onUpload(() => ({ statusCode: 201, data: JSON.stringify({ id: 'm1', previewUrl: '/p' }) }));
    expect((await uploadImage('a.jpg')).id).toBe('m1');
  });
});

describe('validation messages', () => {
  it('the shared schema\'s messages, in Chinese or English', () => {
    const result = createReportSchema.safeParse({ kind: 'complaint', description: '短', location: {} });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : toFieldIssues(result.error);
    const desc = issues.find((i) => i.path === 'description')!;
    expect(fieldMessage(desc)).toMatch(/^问题描述至少 \d+ 个字$/);
    setLanguage('en');
    expect(fieldMessage(desc)).toMatch(/^The description needs at least \d+ characters$/);
    const where = issues.find((i) => i.path === 'location.address')!;
    expect(fieldMessage(where)).toBe('Please allow location or type the address where the problem is');
  });
});

describe('i18n', () => {
  it('follows the system language until the resident chooses, and remembers the choice', () => {
    expect(languageFromSystem('zh_CN')).toBe('zh-CN');
    expect(languageFromSystem('en-GB')).toBe('en');
    expect(languageFromSystem('en')).toBe('en');
    expect(languageFromSystem('fr-FR')).toBe('zh-CN');
    expect(languageFromSystem(undefined)).toBe('zh-CN');
    setLanguage('en');
    expect(currentLanguage()).toBe('en');
    expect(taro.storage.get('language')).toBe('en');
    expect(t('home.complaint')).toBe('Report a problem');
  });

  it('a text missing in English falls back to Chinese, never to the key', () => {
    i18n.addResource('zh-CN', 'fallbackTest', 'onlyChinese', '只有中文');
    setLanguage('en');
    expect(t('onlyChinese', { ns: 'fallbackTest' })).toBe('只有中文');
    expect(t('home.complaint')).toBe('Report a problem');
  });

  it('no text interpolates a name i18next reserves for its own options (lng would switch the language: coordinates came out in Chinese)', () => {
    const RESERVED = ['lng', 'lngs', 'ns', 'defaultValue', 'context', 'replace', 'returnObjects', 'fallbackLng', 'keySeparator', 'nsSeparator', 'postProcess', 'interpolation'];
    const texts = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : texts(v as object)));
    const used = [...texts(zhCN), ...texts(en)].flatMap((text) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
    expect(used.filter((name) => RESERVED.includes(name))).toEqual([]);
    setLanguage('en');
    expect(t('location.coords', { lat: '31.23040', lon: '121.47370' })).toBe('Coordinates 31.23040, 121.47370');
  });

  it('English has no key Chinese lacks, and every Chinese text has an English one', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
    const zh = keys(zhCN);
    const english = keys(en);
    // English plural forms (i18next's `key_one` beside `key`) have no Chinese twin: Chinese has no singular
    const singular = (k: string) => k.endsWith('_one') && zh.includes(k.slice(0, -4)) && english.includes(k.slice(0, -4));
    expect(english.filter((k) => !zh.includes(k) && !singular(k))).toEqual([]);
    // (The word the server checks on DELETE /me is a constant of the API, DELETE_ME_CONFIRM, not a text.)
    expect(zh.filter((k) => !english.includes(k))).toEqual([]);
  });
});

describe('no hard-coded text in resident components', () => {
  // Resident-facing code: every folder but the staff console (admin/) and the dictionaries themselves.
  const root = path.resolve(__dirname, '../src');
  // Every .ts/.tsx file residents' screens run, not only components: hooks and services write messages too.
  // Left out: page configs (*.config.ts: compiled into the mini-program's JSON, one Chinese title each, set again
  // in the resident's language at run time — see the page title test) and services/console.ts (staff console only).
  const STAFF_ONLY = ['services/console.ts', 'services/insight.ts'];
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) return ['admin', 'i18n'].includes(f) ? [] : files(p);
      if (STAFF_ONLY.includes(path.relative(root, p)) || /\.config\.ts$/.test(f)) return [];
      return /\.tsx?$/.test(f) ? [p] : [];
    });

  it('finds the files it checks', () => {
    expect(files(root).length).toBeGreaterThan(40);
    for (const f of ['lib/pageTitle.ts', 'lib/usePagedList.ts', 'services/privacy.ts', 'report/useReportDraft.ts', 'report/success/index.tsx']) expect(files(root)).toContain(path.join(root, f));
  });

  it('no Chinese characters outside comments in any of them', () => {
    const offenders: string[] = [];
    for (const file of files(root)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/\{\/\*.*?\*\/\}/g, '');
        if (/^\s*(\*|\/\*)/.test(code)) return;
        if (/[\u4e00-\u9fff]/.test(code)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

describe('English everywhere a resident looks', () => {
  const node = (code: string, name: string, nameEn: string, children?: unknown[]) => ({ code, name, nameEn, parentCode: null, children });
  const tree = {
    version: 1,
    categories: [node('roads_facilities', '道路与市政设施', 'Roads & facilities', [node('street_lights', '路灯', 'Street lights'), node('manhole', '井盖', '')])],
  } as never;

  it('category names: the tree\'s English name for a second-level code, Chinese when it has none or in Chinese', () => {
    setLanguage('en');
    expect(categoryName(tree, { code: 'street_lights', name: '路灯' })).toBe('Street lights');
    expect(categoryName(tree, { code: 'roads_facilities', name: '道路与市政设施' })).toBe('Roads & facilities');
    expect(categoryName(tree, { code: 'manhole', name: '井盖' })).toBe('井盖');
    expect(categoryName(tree, { code: 'gone_category', name: '旧分类' })).toBe('旧分类');
    expect(categoryName(null, { code: 'street_lights', name: '路灯' })).toBe('路灯');
    setLanguage('zh-CN');
    expect(categoryName(tree, { code: 'street_lights', name: '路灯' })).toBe('路灯');
  });

  it('district names, zone banners and answers in English, with Chinese fallbacks', () => {
    setLanguage('en');
    expect(districtName({ name: '黄浦区' })).toBe('Huangpu District');
    expect(districtName({ name: '浦东新区' })).toBe('Pudong New Area');
    expect(districtName({ name: '某某区' })).toBe('某某区');
    expect(zoneBanner({ banner: '积水请反映', bannerEn: 'Report flooding here' })).toBe('Report flooding here');
    expect(zoneBanner({ banner: '积水请反映' })).toBe('积水请反映');
    const q = { code: 'when', type: 'multi', label: '何时', required: false, options: [{ value: 'day', label: '白天', labelEn: 'Daytime' }, { value: 'night', label: '夜间' }] } as never;
    expect(answerLabel(q, ['day', 'night'])).toBe('Daytime, 夜间');
    expect(answerLabel({ code: 'gas', type: 'blocking', label: '燃气', required: true } as never, false)).toBe('No');
    setLanguage('zh-CN');
    expect(districtName({ name: '黄浦区' })).toBe('黄浦区');
    expect(answerLabel(q, ['day', 'night'])).toBe('白天、夜间');
  });

  it('the tab bar follows the language on the tab pages (on H5 once Taro\'s tab bar has rendered)', async () => {
    document.body.innerHTML = '<taro-tabbar><span class="weui-tabbar__label">首页</span></taro-tabbar>';
    setLanguage('en');
    applyPageTitle('tickets');
    await new Promise((r) => setTimeout(r, 20));
    expect(taro.tabBar).toEqual(['Home', 'My reports']);
    setLanguage('zh-CN');
    await new Promise((r) => setTimeout(r, 20));
    expect(taro.tabBar).toEqual(['首页', '我的诉求']);
    document.body.innerHTML = '';
  });

  it('navigation bar titles follow the language', () => {
    applyPageTitle('detail');
    setLanguage('en');
    applyPageTitle('detail');
    applyPageTitle('home');
    expect(taro.titles).toEqual(['诉求详情', 'Report details', 'Suishenpai · 12345']);
  });

  it('every resident page sets its title in the resident\'s language, and each title key exists in both languages', () => {
    const root = path.resolve(__dirname, '../src');
    const pages = ['pages/index', 'pages/tickets', 'report/complaint', 'report/snap', 'report/success', 'tickets/detail', 'tickets/messages', 'auth/login', 'me/profile'];
    const keys: PageTitleKey[] = [];
    for (const page of pages) {
      const source = readFileSync(path.join(root, page, 'index.tsx'), 'utf8');
      const key = /usePageTitle\('(\w+)'\)/.exec(source)?.[1] as PageTitleKey | undefined;
      expect(key, `${page} calls usePageTitle`).toBeTruthy();
      keys.push(key!);
      // The page config's Chinese title (what the mini-program shows before the page runs) is the same text.
      const config = readFileSync(path.join(root, page, 'index.config.ts'), 'utf8');
      setLanguage('zh-CN');
      expect(config).toContain(`navigationBarTitleText: '${pageTitle(key!)}'`);
    }
    setLanguage('en');
    for (const key of keys) expect(pageTitle(key)).not.toMatch(/[\u4e00-\u9fff]/);
    // Resident pages in app.config.ts are exactly these (the console's are admin/, not checked here).
    const appConfig = readFileSync(path.join(root, 'app.config.ts'), 'utf8');
    for (const page of pages) expect(appConfig.includes(page.split('/')[1]) || appConfig.includes(page)).toBe(true);
  });
});

describe('photo picker on H5', () => {
  it('the file input Taro reuses carries an accessible name in the resident\'s language', async () => {
    taro.storage.set('privacyConsent', 'agreed');
    setLanguage('en');
    await choosePhotos(3, ['album']);
    expect(document.getElementById('taroChooseImage')?.getAttribute('aria-label')).toBe('Add photos');
    document.getElementById('taroChooseImage')?.remove();
  });
});

describe('a 专区\'s success message', () => {
  it('the success page is told to show it only when the zone has one', () => {
    expect(successUrl({ id: 'r1', ticketNo: 'SH20261129-000001', zone: { id: 'z1', title: '防汛', successMessage: '感谢' } })).toBe('/report/success/index?id=r1&ticketNo=SH20261129-000001&zone=1');
    expect(successUrl({ id: 'r1', ticketNo: 'SH20261129-000001', zone: { id: 'z1', title: '防汛' } })).toBe('/report/success/index?id=r1&ticketNo=SH20261129-000001');
    expect(successUrl({ id: 'r1', ticketNo: 'SH20261129-000001', zone: null })).toBe('/report/success/index?id=r1&ticketNo=SH20261129-000001');
  });
});

describe('privacy consent', () => {
  it('a location or camera use before the resident answered shows the notice and waits; a refusal keeps them off', async () => {
    let shown = 0;
    const stop = whenPrivacyNoticeNeeded(() => shown++);
    const asked = ensurePrivacyAuthorized();
    expect(shown).toBe(1);
    recordConsent('refused');
    expect(await asked).toBe(false);
    expect(consent()).toBe('refused');
    expect(await ensurePrivacyAuthorized()).toBe(false);
    expect(shown).toBe(1, 'a remembered refusal is not asked again');
    recordConsent('agreed');
    expect(await ensurePrivacyAuthorized()).toBe(true);
    stop();
  });

  it('when WeChat asks, the notice on top is shown and WeChat hears "agree" only after the resident taps 同意 (with the button id)', () => {
    const shownOn: string[] = [];
    const stopHome = whenPrivacyNoticeNeeded(() => shownOn.push('home'));
    const stopForm = whenPrivacyNoticeNeeded(() => shownOn.push('form'));
    const answers: unknown[] = [];
    taro.storage.set('privacyConsent', 'agreed'); // agreed before, yet WeChat asks again (a new privacy guide)
    handleWechatPrivacyRequest((a) => answers.push(a));
    expect(shownOn).toEqual(['form']);
    expect(answers).toEqual([{ event: 'exposureAuthorization' }]);
    recordConsent('agreed');
    expect(answers.at(-1)).toEqual({ event: 'agree', buttonId: 'privacy-agree' });
    stopForm();
    handleWechatPrivacyRequest((a) => answers.push(a));
    expect(shownOn).toEqual(['form', 'home']);
    recordConsent('refused');
    expect(answers.at(-1)).toEqual({ event: 'disagree' });
    stopHome();
  });
});
