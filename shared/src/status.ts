/**
 * The ticket lifecycle. One list and one transition table for server and app:
 * the server enforces it, the app uses it to decide which actions to show.
 */
export const REPORT_STATUSES = [
  'submitted',
  'accepted',
  'rejected',
  'dispatched',
  'in_progress',
  'resolved',
  'closed',
  'withdrawn',
  'returned',
  'reopened',
  'merged',
] as const;

export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const STATUS_LABELS: Record<ReportStatus, string> = {
  submitted: '已提交',
  accepted: '已受理',
  rejected: '不予受理',
  dispatched: '已派单',
  in_progress: '办理中',
  resolved: '已办结',
  closed: '已关闭',
  withdrawn: '已撤回',
  returned: '已退回',
  reopened: '重新办理',
  merged: '已合并',
};

/** Who can move a ticket: the resident, staff in the console, the city pipeline, or a timer. */
export type TransitionActor = 'citizen' | 'admin' | 'pipeline' | 'system';

interface Transition {
  to: ReportStatus;
  by: readonly TransitionActor[];
}

const STAFF = ['admin', 'pipeline'] as const;
/** Staff fold a duplicate into another open ticket; its reporter then follows that one. */
const MERGE: Transition = { to: 'merged', by: ['admin'] };

export const TRANSITIONS: Record<ReportStatus, readonly Transition[]> = {
  submitted: [
    { to: 'accepted', by: STAFF },
    { to: 'rejected', by: STAFF },
    { to: 'withdrawn', by: ['citizen'] },
    MERGE,
  ],
  accepted: [
    { to: 'dispatched', by: STAFF },
    { to: 'rejected', by: STAFF },
    { to: 'withdrawn', by: ['citizen'] },
    MERGE,
  ],
  dispatched: [
    { to: 'in_progress', by: STAFF },
    { to: 'returned', by: STAFF },
    { to: 'resolved', by: STAFF },
    MERGE,
  ],
  in_progress: [
    { to: 'resolved', by: STAFF },
    { to: 'returned', by: STAFF },
    MERGE,
  ],
  returned: [
    { to: 'dispatched', by: STAFF },
    { to: 'rejected', by: STAFF },
    MERGE,
  ],
  resolved: [
    { to: 'closed', by: ['citizen', 'system', 'admin'] },
    { to: 'reopened', by: ['citizen'] },
  ],
  reopened: [{ to: 'dispatched', by: STAFF }, MERGE],
  merged: [],
  rejected: [],
  closed: [],
  withdrawn: [],
};

export function canTransition(from: ReportStatus, to: ReportStatus, actor: TransitionActor): boolean {
  return TRANSITIONS[from].some((t) => t.to === to && t.by.includes(actor));
}

/** Statuses in which the ticket still needs work from the city. */
export const OPEN_STATUSES: readonly ReportStatus[] = [
  'submitted',
  'accepted',
  'dispatched',
  'in_progress',
  'returned',
  'reopened',
];

export function isOpen(status: ReportStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
