import mongoose from 'mongoose';
import type { MediaView, MyDataSummary, ReportView } from '@ssp/shared';
import { User } from '../auth/userModel';
import type { AuthUser } from '../http/context';
import { notFound } from '../http/errors';
import type { MediaService } from '../media/mediaService';
import type { MediaSigner } from '../media/mediaSigner';
import type { NotificationService } from '../notifications/notificationService';
import { Follower } from '../reports/followerModel';
import { presentReport } from '../reports/reportPresenter';
import type { ReportRepository } from '../reports/reportRepository';

/** `GET /api/v1/me/data`: everything held about the caller. */
export interface MyData {
  exportedAt: string;
  account: { id: string; role: string; wechatOpenid: string | null; createdAt: string | null; lastLoginAt: string | null };
  /** the phone numbers given on reports, in full (they are the resident's own) */
  phoneNumbers: string[];
  reports: (ReportView & { contactPhoneFull: string | null })[];
  photos: (MediaView & { createdAt?: string })[];
  subscriptions: { templateId: string; reportId: string | null; state: string; createdAt: string }[];
  following: { reportId: string; since: string }[];
  messages: number;
  retention: string;
}

/**
 * The resident's rights over their personal data (PIPL art. 45 and 47):
 * see everything held about them, and have it deleted. Reports themselves
 * are public-service records and stay, cut loose from the person.
 */
export function createPrivacyService(deps: { repo: ReportRepository; media: MediaService; notifications: NotificationService; signer: MediaSigner; tokens: { forget(id: string): void } }) {
  return {
    async export(user: AuthUser): Promise<MyData> {
      const account = await User.findById(user.id).lean();
      if (!account) throw notFound();
      const reports = await deps.repo.allByCitizen(user.id);
      const notes = await deps.notifications.dataOf(user.id);
      const follows = await Follower.find({ citizenId: user.id }).sort({ createdAt: 1 }).lean();
      return {
        exportedAt: new Date().toISOString(),
        account: {
          id: String(account._id),
          role: account.role,
          wechatOpenid: account.openid ?? null,
          createdAt: (account as { createdAt?: Date }).createdAt?.toISOString() ?? null,
          lastLoginAt: account.lastLoginAt ? account.lastLoginAt.toISOString() : null,
        },
        phoneNumbers: [...new Set(reports.map((r) => r.contactPhone).filter((p): p is string => Boolean(p)))],
        reports: reports.map((r) => ({ ...presentReport(r, deps.signer), contactPhoneFull: r.contactPhone ?? null })),
        photos: await deps.media.ownedBy(user.id),
        subscriptions: notes.subscriptions,
        following: follows.map((f) => ({ reportId: String(f.reportId), since: f.createdAt.toISOString() })),
        messages: notes.messages,
        retention: '诉求记录作为政务服务档案保存；删除个人信息后，诉求内容匿名保留，手机号、照片、订阅与账号一并删除。',
      };
    },

    async summary(user: AuthUser): Promise<MyDataSummary> {
      const data = await this.export(user);
      return { reports: data.reports.length, phoneNumbers: data.phoneNumbers.length, photos: data.photos.length, subscriptions: data.subscriptions.length, following: data.following.length, messages: data.messages };
    },

    /**
     * 删除我的个人信息. Each step can be run again, and the account goes last,
     * so a deletion interrupted half-way is finished by asking again with the
     * same token (which works until the account is gone).
     */
    async deleteAccount(user: AuthUser): Promise<{ reports: number; photos: number; subscriptions: number; messages: number; following: number }> {
      if (!(await User.exists({ _id: user.id }))) throw notFound();
      let reports = 0;
      for (const r of await deps.repo.allByCitizen(user.id)) if (await deps.repo.anonymise(String(r._id), user.id)) reports++;
      const photos = await deps.media.deleteOwnedBy(user.id);
      const { subscriptions, messages } = await deps.notifications.forget(user.id);
      const following = (await Follower.deleteMany({ citizenId: new mongoose.Types.ObjectId(user.id) })).deletedCount;
      await deps.repo.purgeSubmitKeysOf(user.id);
      await User.deleteOne({ _id: user.id });
      deps.tokens.forget(user.id);
      return { reports, photos, subscriptions, messages, following };
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
