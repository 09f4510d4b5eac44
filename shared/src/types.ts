import type { AnswerValue, Question } from './questions';
import type { District } from './districts';
import type { ReportStatus } from './status';
import type { ReportLocation } from './schemas';
import type { AllowedActions } from './followUpSchemas';
import type { Urgency } from './urgency';

/** The shapes the API returns. The server's presenters produce exactly these. */

export type Role = 'citizen' | 'admin';
/** Staff accounts carry `role: 'admin'` (what older clients check) plus their real roles and district scope. */

export interface UserView {
  id: string;
  role: Role;
  displayName?: string;
  /** staff only: the account's roles (any combination) */
  roles?: import('./staff').StaffRole[];
  /** staff only: district codes the account is limited to; empty = the whole city */
  districts?: string[];
  /** staff only: the password was set by an admin and must be changed before anything else */
  mustChangePassword?: boolean;
}

export interface LoginResponse {
  token: string;
  /** seconds until the token expires */
  expiresIn: number;
  user: UserView;
}

export interface MediaView {
  id: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  url: string;
  previewUrl: string;
}

export interface TimelineEntry {
  at: string;
  status: ReportStatus;
  /** who caused it: `citizen`, `system`, a department, an admin */
  actor: string;
  message: string;
  /** photos attached to this step (e.g. the handler's reply) */
  media?: { id: string; url: string; previewUrl: string }[];
}

export interface CategoryRef {
  code: string;
  name: string;
}

/** An open ticket near a report about to be filed (shown to another resident: no photos, phone or exact address). */
/**
 * 附近已有人反映: what a passer-by could see of an open ticket, nothing more —
 * category, a street-level place (no coordinates, no house number), when, how
 * many. The description only if staff marked it public. `offer` is what
 * `POST /reports/:id/join` needs: signed for this resident and this ticket, valid 30 minutes.
 */
export interface SimilarTicket {
  id: string;
  offer: string;
  offerExpiresAt: string;
  status: ReportStatus;
  statusLabel: string;
  category: string;
  /** street level, e.g. 「黄浦区人民大道」 */
  place: string;
  createdAt: string;
  supporters: number;
  /** only when staff marked the description public */
  description?: string;
}

export interface ReportView {
  id: string;
  /** 'owner' for the resident who filed it; 'follower' for one who joined it (+1) */
  viewer?: 'owner' | 'follower' | 'staff';
  /** residents who joined it instead of filing a duplicate */
  supporters: number;
  /** set when staff merged it into another ticket */
  mergedInto: { id: string; ticketNo: string } | null;
  ticketNo: string;
  kind: 'complaint' | 'snap';
  status: ReportStatus;
  statusLabel: string;
  description: string;
  /** the category the resident picked, if any */
  citizenCategory: CategoryRef | null;
  /** the category the report is filed under; null while it waits for manual triage */
  category: (CategoryRef & { parentCode: string | null; parentName: string | null }) | null;
  urgent: boolean;
  /** 紧急 / 次紧急 / 普通; `urgent` stays for older clients */
  urgency: Urgency;
  department: string | null;
  dueAt: string | null;
  /** past its deadline and escalated (超期/督办) */
  overdue: boolean;
  rating: { value: 'satisfied' | 'basically_satisfied' | 'unsatisfied'; comment: string } | null;
  /** what the resident may do now (the state machine and the follow-up rules decide) */
  allowedActions: AllowedActions;
  /** when 催办 becomes possible (ISO), while the ticket is open and it is not possible yet; else null */
  urgeFrom?: string | null;
  /** staff only */
  delivery?: { state: 'pending' | 'delivered' | 'dead'; attempts: number; lastError: string | null };
  /** staff only */
  classification?: ClassificationView | null;
  /** staff only */
  triage?: { state: 'auto' | 'pending' | 'confirmed' | 'corrected'; reason: string | null };
  /** staff only */
  urgentReasons?: string[];
  location: ReportLocation;
  district: District | null;
  /** true when the point is outside Shanghai's districts: a person must route it */
  needsManualRouting: boolean;
  mediaIds: string[];
  /** signed, expiring links for each photo, in the order of mediaIds */
  media: { id: string; url: string; previewUrl: string }[];
  /** masked, e.g. 138****5678 */
  contactPhone: string | null;
  anonymous: boolean;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineEntry[];
  /** answers to the category's and the 专区's questions, `{ <questionCode>: value }` */
  answers: Record<string, AnswerValue>;
  /** the questions as they were asked (labels for the answers) */
  questions: Question[];
  /**
   * the 专区 it was filed through. The resident who filed it also gets its English title and the zone's
   * success message (in their language, as it was when they filed); staff get `{ id, title }`.
   */
  zone: { id: string; title: string; titleEn?: string; successMessage?: string } | null;
  /** staff only: the account that filed it; null once the resident deleted their personal data */
  reporter?: { id: string } | null;
}

/** A report in a 堵点's or a hotspot's list on the 数据看板 (the console links to it by id). */
export interface ListedReport {
  id: string;
  ticketNo: string | null;
  category: CategoryRef | null;
  district: CategoryRef | null;
  createdAt: string;
  status: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What the classifier says about a text. */
export interface ClassificationView {
  /** the three most probable second-level categories */
  top3: { code: string; name: string; parentCode: string; parentName: string; probability: number }[];
  firstLevel: { code: string; name: string; probability: number };
  firstLevelTop3: { code: string; name: string; probability: number }[];
  /** probability of the first-level category */
  confidence: number;
  urgent: boolean;
  /** 紧急 (life or safety now) / 次紧急 (within a day) / 普通; `urgent` is `urgency === 'urgent'` */
  urgency: Urgency;
  urgentReasons: string[];
  /** the terms that weighed most */
  explanation: string[];
  modelVersion: string;
  taxonomyVersion: number;
}
