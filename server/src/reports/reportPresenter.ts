import { isOpen, maskPhone, STATUS_LABELS, STATUS_LABELS_EN, timelineMessageEn, type AnswerValue, type Language, type Question, type ReportView, type Urgency } from '@ssp/shared';
import type { MediaSigner } from '../media/mediaSigner';
import type { ReportDoc } from './reportRepository';
import { allowedActions, urgeAllowedFrom } from './followUp';

/** The routing facts every view of a ticket shows alike: category, urgency, department, deadline. */
function routingFacts(doc: ReportDoc) {
  return {
    category: doc.category?.code
      ? { code: doc.category.code, name: doc.category.name ?? '', parentCode: doc.category.parentCode ?? null, parentName: doc.category.parentName ?? null }
      : null,
    urgent: Boolean(doc.urgent),
    urgency: urgencyOf(doc),
    department: doc.department ?? null,
    dueAt: doc.dueAt ? doc.dueAt.toISOString() : null,
    overdue: Boolean(doc.overdueAt),
  };
}

/** What a viewer who is not the reporter may do: nothing. */
const NO_ACTIONS = { withdraw: false, urge: false, supplement: false, rate: false, reopen: false };

/** The report's urgency level; reports stored before the levels existed have only `urgent`. */
export function urgencyOf(doc: Pick<ReportDoc, 'urgent' | 'urgency'>): Urgency {
  return (doc.urgency as Urgency | undefined) ?? (doc.urgent ? 'urgent' : 'normal');
}

/**
 * Where a report is, as a passer-by would say it: the street, not the house
 * number, the flat or the coordinates. The address is cut at its first digit
 * (人民大道200号 → 人民大道, 2号口 → …) and at any bracket; the district is put
 * in front when the address does not name it.
 */
export function streetLevelPlace(doc: Pick<ReportDoc, 'location' | 'district'>): string {
  const district = doc.district?.name ?? '';
  const street = (doc.location?.address ?? '').split(/[\d０-９(（,，、;；]/)[0].trim().slice(0, 24);
  if (!street) return district || '上海市';
  return district && !street.includes(district) ? `${district}${street}` : street;
}

/**
 * A follower (a neighbour who joined with +1) sees a ticket's progress and
 * what a passer-by could see — never the reporter's phone, photos, words,
 * follow-ups, rating or exact location. Every field is listed here on purpose
 * (and in a test): a new field of ReportView must be decided on, not leaked.
 */
export function presentForFollower(doc: ReportDoc, lang?: Language): ReportView {
  const en = lang === 'en';
  return {
    id: String(doc._id),
    viewer: 'follower',
    supporters: doc.supporters ?? 0,
    mergedInto: doc.mergedInto?.id ? { id: doc.mergedInto.id, ticketNo: doc.mergedInto.ticketNo ?? '' } : null,
    ticketNo: doc.ticketNo,
    kind: doc.kind,
    status: doc.status,
    statusLabel: en ? STATUS_LABELS_EN[doc.status] : STATUS_LABELS[doc.status],
    // The reporter's own words may name a flat or a person; shown only if staff made them public.
    description: doc.descriptionPublic ? doc.description ?? '' : '',
    ...routingFacts(doc),
    rating: null,
    allowedActions: NO_ACTIONS,
    citizenCategory: null,
    location: { address: streetLevelPlace(doc) },
    district: doc.district?.code ? { code: doc.district.code, name: doc.district.name ?? '' } : null,
    needsManualRouting: false,
    mediaIds: [],
    media: [],
    // The reporter's answers (a flat number, a floor) are theirs, like their words.
    answers: {},
    questions: [],
    zone: null,
    contactPhone: null,
    anonymous: false,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    // The city's side only: status changes and replies by staff and the pipeline, without photos.
    timeline: (doc.timeline ?? []).filter((t) => t.actor !== 'citizen').map((t) => ({ at: t.at.toISOString(), status: t.status, actor: t.actor, message: en ? timelineMessageEn(t.message) : t.message })),
  };
}

/**
 * The 专区 a report was filed through. Staff (no language) see `{ id, title }`; the resident who filed it
 * also gets the English title and the zone's success message in their language (English falls back to Chinese).
 */
export function presentZoneOfReport(doc: Pick<ReportDoc, 'zone'>, lang?: Language): ReportView['zone'] {
  const zone = doc.zone as { id?: string | null; title?: string | null; titleEn?: string | null; successMessage?: string | null; successMessageEn?: string | null } | null | undefined;
  if (!zone?.id) return null;
  if (!lang) return { id: zone.id, title: zone.title ?? '' };
  const successMessage = (lang === 'en' && zone.successMessageEn) || zone.successMessage;
  return { id: zone.id, title: zone.title ?? '', ...(zone.titleEn ? { titleEn: zone.titleEn } : {}), ...(successMessage ? { successMessage } : {}) };
}

/** Exactly the fields that leave the server. The full phone number never does. */
export function presentReport(doc: ReportDoc, signer: MediaSigner, opts: { forStaff?: boolean; now?: number; follower?: boolean; lang?: Language } = {}): ReportView {
  if (opts.follower && !opts.forStaff) return presentForFollower(doc, opts.lang);
  const en = opts.lang === 'en' && !opts.forStaff;
  const follower = false;
  const mediaIds = follower ? [] : (doc.mediaIds ?? []).map(String);
  const location = doc.location!;
  const actions = allowedActions(doc, opts.now);
  return {
    id: String(doc._id),
    viewer: opts.forStaff ? 'staff' : follower ? 'follower' : 'owner',
    supporters: doc.supporters ?? 0,
    mergedInto: doc.mergedInto?.id ? { id: doc.mergedInto.id, ticketNo: doc.mergedInto.ticketNo ?? '' } : null,
    ticketNo: doc.ticketNo,
    kind: doc.kind,
    status: doc.status,
    statusLabel: en ? STATUS_LABELS_EN[doc.status] : STATUS_LABELS[doc.status],
    description: doc.description ?? '',
    ...routingFacts(doc),
    rating: doc.rating?.value ? { value: doc.rating.value as 'satisfied', comment: doc.rating.comment ?? '' } : null,
    allowedActions: follower ? NO_ACTIONS : actions,
    // For the resident's 催办 hint: when it becomes possible, while the ticket is open and it is not yet.
    urgeFrom: !follower && isOpen(doc.status) && !actions.urge ? new Date(urgeAllowedFrom(doc)).toISOString() : null,
    ...(opts.forStaff ? { delivery: { state: doc.delivery?.state === 'delivered' || doc.delivery?.state === 'dead' ? doc.delivery.state : 'pending', attempts: doc.delivery?.attempts ?? 0, lastError: doc.delivery?.lastError ?? null } } : {}),
    ...(opts.forStaff
      ? {
          classification: (doc.classification as ReportView['classification']) ?? null,
          triage: { state: doc.triage?.state ?? 'auto', reason: doc.triage?.reason ?? null },
          urgentReasons: doc.urgentReasons ?? [],
        }
      : {}),
    citizenCategory: doc.citizenCategory?.code ? { code: doc.citizenCategory.code, name: doc.citizenCategory.name ?? '' } : null,
    location: {
      ...(location.lat != null && location.lng != null ? { lat: location.lat, lng: location.lng, coordSystem: location.coordSystem ?? 'gcj02' } : {}),
      ...(location.accuracy != null ? { accuracy: location.accuracy } : {}),
      ...(location.address ? { address: location.address } : {}),
    },
    district: doc.district?.code ? { code: doc.district.code, name: doc.district.name ?? '' } : null,
    needsManualRouting: Boolean(doc.needsManualRouting),
    mediaIds,
    media: mediaIds.map((id) => ({ id, url: signer.url(id, 'original'), previewUrl: signer.url(id, 'preview') })),
    contactPhone: doc.contactPhone && !follower ? maskPhone(doc.contactPhone) : null,
    anonymous: Boolean(doc.anonymous),
    // A follower sees neither the reporter's answers (they may say where the reporter lives) nor their photos.
    answers: follower ? {} : ((doc.answers ?? {}) as Record<string, AnswerValue>),
    questions: follower ? [] : ((doc.questions ?? []) as Question[]),
    zone: presentZoneOfReport(doc, opts.forStaff ? undefined : opts.lang ?? 'zh-CN'),
    ...(opts.forStaff ? { reporter: doc.anonymisedAt ? null : { id: String(doc.citizenId) } } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    // The reporter's own follow-ups (their words, their photos) are theirs; a follower sees the city's side.
    timeline: (doc.timeline ?? []).filter((t) => !follower || t.actor !== 'citizen').map((t) => ({
      at: t.at.toISOString(),
      status: t.status,
      actor: t.actor,
      message: en ? timelineMessageEn(t.message) : t.message,
      ...((t as { mediaIds?: unknown[] }).mediaIds?.length
        ? { media: (t as { mediaIds: unknown[] }).mediaIds.map((m) => ({ id: String(m), url: signer.url(String(m), 'original'), previewUrl: signer.url(String(m), 'preview') })) }
        : {}),
    })),
  };
}
