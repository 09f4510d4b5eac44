import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createReportSchema, toFieldIssues } from '@ssp/shared';
import * as taro from './taroStub';
import { discardDraft, loadDraft, newDraft, saveDraft } from '../src/services/drafts';
import { uploadImage } from '../src/services/media';
import { createReport } from '../src/services/reports';
import { ApiError } from '../src/services/api';
import { currentLanguage, fieldMessage, i18n, languageFromSystem, setLanguage, t } from '../src/i18n';
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

  it('English has no key Chinese lacks, and every Chinese text has an English one', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
    const zh = keys(zhCN);
    const english = keys(en);
    expect(english.filter((k) => !zh.includes(k))).toEqual([]);
    // confirmWord stays 删除: the server checks that exact word.
    expect(zh.filter((k) => !english.includes(k))).toEqual(['profile.confirmWord']);
  });
});

describe('no hard-coded text in resident components', () => {
  // Resident-facing code: every folder but the staff console (admin/) and the dictionaries themselves.
  const root = path.resolve(__dirname, '../src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) return ['admin', 'i18n'].includes(f) ? [] : files(p);
      return /\.tsx$/.test(f) || /report\/useReportDraft\.ts$/.test(p) ? [p] : [];
    });

  it('finds the files it checks', () => {
    expect(files(root).length).toBeGreaterThan(15);
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
