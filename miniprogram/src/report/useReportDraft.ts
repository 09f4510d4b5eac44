import Taro from '@tarojs/taro';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { checkAnswers, createReportSchema, hasCoordinates, LIMITS, toFieldIssues, validate, type AnswerValue, type CategoryTreeView, type CreateReportInput, type Question, type ReportLocation, type ZoneView } from '@ssp/shared';
import { currentLanguage, fieldMessage, t } from '../i18n';
import { categoryTree, findLeaf } from '../services/categories';
import { ApiError } from '../services/api';
import { discardDraft, keepPendingSupplement, loadDraft, saveDraft, type Draft, type PhotoDraft } from '../services/drafts';
import { chooseOnMap, locate, openLocationSettings, reverseGeocode } from '../services/geo';
import { choosePhotos, uploadImage } from '../services/media';
import { createReport, joinTicket, similarTickets } from '../services/reports';
import { nearbyCategories, suggestCategory } from '../services/classification';
import type { ClassificationView, ReportView, SimilarTicket } from '@ssp/shared';
import type { LocateStatus } from '../components/LocationCard';
import { requireLogin } from '../lib/session';

/** The success page of a filed report; `zone=1` when its 专区 has a message to show there. */
export function successUrl(report: Pick<ReportView, 'id' | 'ticketNo' | 'zone'>): string {
  return `/report/success/index?id=${report.id}&ticketNo=${encodeURIComponent(report.ticketNo)}${report.zone?.successMessage ? '&zone=1' : ''}`;
}

/**
 * Everything a report form does, for both 我要反映 and 随申拍: the draft kept
 * on the device, photo uploads, location, validation with the shared schema,
 * and a submit that can be retried safely with the draft's idempotency key.
 */
export function useReportDraft(kind: Draft['kind']) {
  const [draft, setDraftState] = useState<Draft>(() => loadDraft(kind));
  const [locateStatus, setLocateStatus] = useState<LocateStatus>({ kind: 'idle' });
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const touch = useCallback((field: string) => setTouched((t) => (t[field] ? t : { ...t, [field]: true })), []);
  const draftRef = useRef(draft);
  const suggestionRef = useRef<ClassificationView | null>(null);

  const update = useCallback((change: (d: Draft) => Draft) => {
    const next = change(draftRef.current);
    draftRef.current = next;
    saveDraft(next);
    setDraftState(next);
  }, []);

  const updatePhoto = useCallback(
    (localPath: string, change: Partial<PhotoDraft>) =>
      update((d) => ({ ...d, photos: d.photos.map((p) => (p.localPath === localPath ? { ...p, ...change } : p)) })),
    [update],
  );

  const upload = useCallback(
    async (localPath: string) => {
      updatePhoto(localPath, { status: 'uploading', progress: 0, error: undefined });
      try {
        const media = await uploadImage(localPath, (progress) => updatePhoto(localPath, { progress }));
        updatePhoto(localPath, { status: 'done', progress: 100, mediaId: media.id, previewUrl: media.previewUrl });
      } catch (err) {
        updatePhoto(localPath, { status: 'failed', error: (err as Error).message });
      }
    },
    [updatePhoto],
  );

  const addPhotos = useCallback(
    async (sources?: ('camera' | 'album')[]) => {
      const room = LIMITS.mediaPerReport.max - draftRef.current.photos.length;
      if (room <= 0) return 0;
      let paths: string[];
      try {
        paths = await choosePhotos(room, sources);
      } catch {
        return 0; // the resident cancelled the picker
      }
      update((d) => ({ ...d, photos: [...d.photos, ...paths.map((localPath) => ({ localPath, status: 'uploading' as const, progress: 0 }))] }));
      await Promise.all(paths.map(upload));
      return paths.length;
    },
    [update, upload],
  );

  const retryPhoto = useCallback((i: number) => void upload(draftRef.current.photos[i].localPath), [upload]);
  const removePhoto = useCallback((i: number) => update((d) => ({ ...d, photos: d.photos.filter((_, j) => j !== i) })), [update]);

  const applyLocation = useCallback(
    async (location: ReportLocation) => {
      update((d) => ({ ...d, location: { ...location, address: location.address || d.location?.address }, place: null }));
      setLocateStatus({ kind: 'ok' });
      if (!hasCoordinates(location)) return;
      try {
        const place = await reverseGeocode(location);
        update((d) => ({ ...d, place, location: d.location && !d.location.address && place.address ? { ...d.location, address: place.address } : d.location }));
      } catch {
        // The district is resolved again on the server; the card just shows coordinates.
      }
    },
    [update],
  );

  const relocate = useCallback(async () => {
    setLocateStatus({ kind: 'locating' });
    const res = await locate();
    if (res.ok) await applyLocation(res.location);
    else setLocateStatus({ kind: 'failed', reason: res.reason, message: res.message });
  }, [applyLocation]);

  const pickOnMap = useCallback(async () => {
    const picked = await chooseOnMap(draftRef.current.location ?? undefined);
    if (picked) await applyLocation(picked);
  }, [applyLocation]);

  const setAddress = useCallback(
    (address: string) => update((d) => ({ ...d, location: { ...(d.location ?? {}), address } })),
    [update],
  );

  const [ready, setReady] = useState(false);
  useEffect(() => {
    void (async () => {
      // Uploads and the address lookup need a session; on the web that may mean the login page first.
      if (!(await requireLogin())) return;
      setReady(true);
      if (!draftRef.current.location || !hasCoordinates(draftRef.current.location)) await relocate();
      else setLocateStatus({ kind: 'ok' });
    })();
  }, [relocate]);

  // Per-category questions: those of the chosen category (required ones required), else the suggested one's
  // (all optional, as the server does), plus the 专区's own.
  const [tree, setTree] = useState<CategoryTreeView | null>(null);
  useEffect(() => {
    categoryTree().then(setTree, () => setTree(null));
  }, []);
  const [zone, setZoneState] = useState<ZoneView | null>(null);
  const setZone = useCallback(
    (z: ZoneView | null) => {
      setZoneState(z);
      update((d) => ({
        ...d,
        zone: z ? { id: z.id, title: z.title } : null,
        // One fixed category: the zone decides it.
        category: z && z.categoryCodes.length === 1 ? { code: z.categoryCodes[0], name: findLeaf(tree, z.categoryCodes[0])?.name ?? z.categoryCodes[0] } : d.category,
      }));
    },
    [update, tree],
  );
  const suggestedCode = suggestionRef.current?.top3[0]?.code;
  const questions: Question[] = useMemo(() => {
    const chosen = findLeaf(tree, draft.category?.code);
    const fromCategory = chosen ? chosen.questions ?? [] : (findLeaf(tree, suggestedCode)?.questions ?? []).map((q) => ({ ...q, required: false }));
    return [...fromCategory, ...(zone?.questions ?? [])];
  }, [tree, draft.category?.code, suggestedCode, zone]);
  const setAnswer = useCallback((code: string, value: AnswerValue | undefined) => update((d) => {
    const answers = { ...d.answers };
    if (value === undefined) delete answers[code];
    else answers[code] = value;
    return { ...d, answers };
  }), [update]);

  const input: CreateReportInput = useMemo(() => {
    const location = draft.location ?? undefined;
    const asked = new Set(questions.map((q) => q.code));
    const answers = Object.fromEntries(Object.entries(draft.answers ?? {}).filter(([k]) => asked.has(k)));
    return {
      kind: draft.kind,
      description: draft.description,
      location: location as ReportLocation,
      mediaIds: draft.photos.filter((p) => p.mediaId).map((p) => p.mediaId!),
      ...(draft.contactPhone.trim() ? { contactPhone: draft.contactPhone.trim() } : {}),
      ...(draft.category ? { categoryCode: draft.category.code } : {}),
      ...(Object.keys(answers).length ? { answers } : {}),
      ...(draft.zone ? { zoneId: draft.zone.id } : {}),
      anonymous: draft.anonymous,
    } as CreateReportInput;
  }, [draft, questions]);

  const fieldErrors = useMemo(() => {
    const errors: Record<string, string> = {};
    const result = validate(createReportSchema, input);
    if (!result.success) for (const issue of toFieldIssues(result.error)) errors[issue.path.split('.')[0]] ??= fieldMessage(issue);
    if (draft.photos.some((p) => p.status === 'uploading')) errors.mediaIds ??= t('form.uploading');
    if (draft.photos.some((p) => p.status === 'failed')) errors.mediaIds ??= t('form.uploadFailedSome');
    // The same checks the server makes: each question's message sits under it (answers.<code>).
    for (const issue of checkAnswers(questions, input.answers, currentLanguage()).issues) {
      errors[issue.path] ??= issue.message;
      errors.answers ??= issue.message;
    }
    return errors;
  }, [input, draft.photos, questions]);

  const valid = Object.keys(fieldErrors).length === 0;

  /**
   * 附近已有人反映: before the first submit, open tickets of the same kind
   * close by are offered to join instead. The check never blocks a submit:
   * if it fails, the report is filed.
   */
  const [similar, setSimilar] = useState<SimilarTicket[]>([]);
  const similarChecked = useRef(false);
  const submit = useCallback(async (skipSimilar = false) => {
    if (!valid || draftRef.current.submit.state === 'submitting') return;
    update((d) => ({ ...d, submit: { state: 'submitting' } }));
    const loc = input.location;
    if (!skipSimilar && !similarChecked.current && loc && hasCoordinates(loc)) {
      similarChecked.current = true;
      const found = await similarTickets({ description: input.description ?? '', categoryCode: input.categoryCode, location: { lat: loc.lat!, lng: loc.lng!, coordSystem: loc.coordSystem ?? 'gcj02' } }).catch(() => ({ items: [] }));
      if (found.items.length) {
        setSimilar(found.items);
        // The offer appears above the submit button; bring all of it into view.
        setTimeout(() => void Taro.pageScrollTo({ selector: '.similar', duration: 200 }).catch(() => {}), 50);
        update((d) => ({ ...d, submit: { state: 'editing' } }));
        return;
      }
    }
    setSimilar([]);
    try {
      const report = await createReport(input, draftRef.current.idempotencyKey);
      discardDraft(kind);
      void Taro.redirectTo({ url: successUrl(report) });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', t('common.networkFailed'));
      if (e.code === 'IDEMPOTENCY_KEY_REUSED' && e.existing) {
        // An earlier send of this draft went through (its answer was lost) and the draft was edited since:
        // the report exists, so open it, with the edited text waiting in its 补充信息 form; the draft is done.
        keepPendingSupplement({ reportId: e.existing.id, ticketNo: e.existing.ticketNo, text: input.description ?? '' });
        discardDraft(kind);
        void Taro.redirectTo({ url: `/tickets/detail/index?id=${encodeURIComponent(e.existing.id)}&filed=1` });
        return;
      }
      // Keep the draft and its key: a retry is recognised by the server and never makes a second report.
      const detail = e.details[0]?.message;
      update((d) => ({ ...d, submit: { state: 'failed', message: detail ? `${e.message} — ${detail}` : e.message, network: e.isNetwork } }));
    }
  }, [valid, input, kind, update]);

  const join = useCallback(
    async (id: string, offer: string) => {
      try {
        await joinTicket(id, offer);
        discardDraft(kind);
        void Taro.redirectTo({ url: `/tickets/detail/index?id=${id}&joined=1` });
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', t('common.networkFailed'));
        update((d) => ({ ...d, submit: { state: 'failed', message: e.message, network: e.isNetwork } }));
      }
    },
    [kind, update],
  );

  // While the resident types, suggest a category (debounced; the public endpoint is rate-limited).
  // 随申拍 asks too, for its one-line note: the answer's urgency drives the emergency call banner.
  const [suggestion, setSuggestionState] = useState<ClassificationView | null>(null);
  const setSuggestion = useCallback((v: ClassificationView | null) => {
    suggestionRef.current = v;
    setSuggestionState(v);
  }, []);
  useEffect(() => {
    const text = draft.description.trim();
    if (text.length < (kind === 'complaint' ? 5 : 4)) return setSuggestion(null);
    const timer = setTimeout(() => {
      suggestCategory(text).then(setSuggestion, () => setSuggestion(null));
    }, 600);
    return () => clearTimeout(timer);
  }, [draft.description, kind, setSuggestion]);

  // 随申拍: quick chips from what neighbours report most around here.
  const [chips, setChips] = useState<{ code: string; name: string }[]>([]);
  const lat = draft.location?.lat;
  const lng = draft.location?.lng;
  useEffect(() => {
    if (kind !== 'snap' || !ready) return;
    const loc = draft.location && hasCoordinates(draft.location) ? draft.location : null;
    nearbyCategories(loc).then((r) => setChips(r.items), () => setChips([]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, ready, lat, lng]);

  const chooseCategory = useCallback((category: { code: string; name: string } | null) => update((d) => ({ ...d, category })), [update]);

  const reset = useCallback(() => {
    discardDraft(kind);
    const fresh = loadDraft(kind);
    draftRef.current = fresh;
    setDraftState(fresh);
    void relocate();
  }, [kind, relocate]);

  return {
    questions,
    setAnswer,
    tree,
    zone,
    setZone,
    similar,
    join,
    ready,
    draft,
    update,
    addPhotos,
    retryPhoto,
    removePhoto,
    relocate,
    pickOnMap,
    setAddress,
    openSettings: openLocationSettings,
    locateStatus,
    fieldErrors,
    touched,
    touch,
    valid,
    submit,
    reset,
    suggestion,
    chips,
    chooseCategory,
  };
}
