import { OPEN_STATUSES, type ReportStatus } from '@ssp/shared';
import { deadlineFor, type DeadlineHours } from './deadline';
import { forwardEffect, type CategoryRef } from './effects';
import type { ReportRepository } from './reportRepository';

/** The category reports move to in a merge, with the time limits that set their deadline. */
export interface CategoryTarget extends CategoryRef {
  deadlineHours: DeadlineHours;
}

/** A report that keeps changing under a move is read and decided again, this many times at most. */
const MOVE_ATTEMPTS = 20;

/** The timeline entry of a ticket moved by a merge (residents see it; shared/residentTexts.ts translates it). */
export const mergedCategoryMessage = (to: CategoryRef) => `分类已调整为：${to.parentName} / ${to.name}（原分类已并入此分类）`;

/**
 * What categories need from reports when an admin folds one category into another (categories sit below
 * reports, so app.ts hands this in as their `CategoryUsage`).
 *
 * A report filed under the old category gets the new one, and, while it is open, the deadline that follows
 * from the new category's time limits (reports/deadline.ts, the one rule) with a timeline entry and a
 * `recategorized` follow-up carrying both to the pipeline — what a triage decision does, for the same
 * reason: the pipeline was told the old category's deadline, and the stored one and the pipeline's last
 * word must agree. A finished ticket only changes category: the deadline it was handled under is history.
 *
 * Each report is one compare-and-set on its category and status as read, so a concurrent triage decision is
 * never overwritten with a stale category and a concurrent reopen (a new round, a new deadline) is never
 * overwritten with the old round's deadline: the loser reads again and decides again.
 */
export function createCategoryMoves(repo: ReportRepository) {
  async function moveFiled(id: string, from: string, to: CategoryTarget, at: Date): Promise<boolean> {
    const category: CategoryRef = { code: to.code, name: to.name, parentCode: to.parentCode, parentName: to.parentName };
    for (let attempt = 0; attempt < MOVE_ATTEMPTS; attempt++) {
      const doc = await repo.findById(id);
      if (!doc || doc.category?.code !== from) return false; // gone, or moved by someone else meanwhile
      const status = doc.status as ReportStatus;
      const expected = { 'category.code': from, status };
      if (!OPEN_STATUSES.includes(status)) {
        if (await repo.update(id, expected, { set: { category } })) return true;
        continue;
      }
      const dueAt = deadlineFor(doc, to.deadlineHours);
      const message = mergedCategoryMessage(category);
      const moved = await repo.update(id, expected, {
        set: { category, dueAt },
        timeline: { at, status, actor: 'admin', message },
        effects: [forwardEffect('recategorized', message, at, { category, dueAt })],
      });
      if (moved) return true;
    }
    // The merge stops here, before the category is disabled; running it again moves what is left.
    throw new Error(`could not move report ${id} to category ${to.code}: it kept changing`);
  }

  async function moveChosen(id: string, from: string, to: CategoryTarget): Promise<void> {
    // The resident's own pick: no deadline follows from it, only what they see as their choice.
    await repo.update(id, { 'citizenCategory.code': from }, { set: { citizenCategory: { code: to.code, name: to.name } } });
  }

  return {
    countUsingCategory: (code: string) => repo.countUsingCategory(code),

    /** Moves every report of `from` to `to`; answers how many filed reports moved. */
    async moveCategory(from: string, to: CategoryTarget): Promise<number> {
      const at = new Date();
      const { filed, chosen } = await repo.idsUsingCategory(from);
      let moved = 0;
      for (const id of filed) if (await moveFiled(id, from, to, at)) moved++;
      for (const id of chosen) await moveChosen(id, from, to);
      return moved;
    },
  };
}
