import type { AnswerValue, ReportLocation } from '@ssp/shared';
import { uuid } from '../lib/uuid';
import type { Place } from './geo';
import { load, remove, save } from './storage';
import { t } from '../i18n';

/**
 * A report being written. Saved on every change so it survives an app
 * restart or a dropped connection; its idempotency key is made once, so every
 * retry of its submit is recognised by the server as the same report.
 */
export interface PhotoDraft {
  localPath: string;
  mediaId?: string;
  previewUrl?: string;
  status: 'uploading' | 'done' | 'failed';
  progress: number;
  error?: string;
}

export type SubmitState = { state: 'editing' } | { state: 'submitting' } | { state: 'failed'; message: string; network: boolean };

export interface Draft {
  idempotencyKey: string;
  kind: 'complaint' | 'snap';
  description: string;
  location: ReportLocation | null;
  place: Place | null;
  /** the category the resident chose (from the suggestion or a quick chip) */
  category: { code: string; name: string } | null;
  /** answers to the category's and the 专区's questions, by question code */
  answers: Record<string, AnswerValue>;
  /** the 专区 the report is filed through */
  zone: { id: string; title: string } | null;
  contactPhone: string;
  anonymous: boolean;
  photos: PhotoDraft[];
  submit: SubmitState;
  updatedAt: number;
}

const keyFor = (kind: Draft['kind']) => `draft:${kind}`;

export function newDraft(kind: Draft['kind']): Draft {
  return {
    idempotencyKey: uuid(),
    kind,
    description: '',
    location: null,
    place: null,
    category: null,
    answers: {},
    zone: null,
    contactPhone: '',
    anonymous: false,
    photos: [],
    submit: { state: 'editing' },
    updatedAt: Date.now(),
  };
}

/**
 * Restores a saved draft. Uploads that were cut off by a restart cannot
 * resume (the local file may be gone), so they are marked failed for the
 * resident to retry or remove; a submit that was in flight is shown as
 * failed and will be retried with the same key.
 */
export function loadDraft(kind: Draft['kind']): Draft {
  const saved = load<Draft>(keyFor(kind));
  if (!saved || saved.kind !== kind || !saved.idempotencyKey) return newDraft(kind);
  return {
    ...saved,
    category: saved.category ?? null,
    answers: saved.answers ?? {},
    zone: saved.zone ?? null,
    photos: saved.photos.map((p) => (p.status === 'uploading' ? { ...p, status: 'failed', error: t('common.uploadInterrupted') } : p)),
    submit: saved.submit.state === 'submitting' ? { state: 'failed', message: t('common.submitInterrupted'), network: true } : saved.submit,
  };
}

export function saveDraft(draft: Draft): void {
  save(keyFor(draft.kind), { ...draft, updatedAt: Date.now() });
}

export function discardDraft(kind: Draft['kind']): void {
  remove(keyFor(kind));
}

export function hasContent(draft: Draft): boolean {
  return Boolean(draft.description.trim() || draft.photos.length || draft.contactPhone);
}

/**
 * The text of a draft edited after its first submit went through unseen (a lost response): kept for that
 * report's 补充信息 form, so the edit is not lost when the draft is cleared.
 */
export interface PendingSupplement {
  reportId: string;
  ticketNo: string;
  text: string;
}
const PENDING_SUPPLEMENT = 'pendingSupplement';
export function keepPendingSupplement(p: PendingSupplement): void {
  save(PENDING_SUPPLEMENT, p);
}
/** The kept text for this report, once (it is removed when read). */
export function takePendingSupplement(reportId: string): PendingSupplement | null {
  const p = load<PendingSupplement>(PENDING_SUPPLEMENT);
  if (!p || p.reportId !== reportId) return null;
  remove(PENDING_SUPPLEMENT);
  return p;
}
