import mongoose from 'mongoose';
import { STATUS_LABELS, STATUS_LABELS_EN, timelineMessageEn, type Language, type MessageTemplatesView, type MessageView, type ReportStatus, type SubscribableEvent, type SubscriptionResult } from '@ssp/shared';
import { User } from '../auth/userModel';
import { insertUnlessTaken, isDuplicateKey } from '../db/errors';
import type { AuthUser } from '../http/context';
import { AppError } from '../http/errors';
import type { Logger } from '../log';
import { Message, NotificationClaim, SubscriptionGrant } from './notificationModels';
import type { WechatMessenger } from './wechatMessenger';

export interface NotificationConfig {
  /** template id per status event; events without one get in-app messages only */
  templates: Partial<Record<SubscribableEvent, string>>;
  /** mini-program page the WeChat message opens, `?id=<reportId>` is appended */
  page: string;
  miniprogramState: 'developer' | 'trial' | 'formal';
}

/** A status change to tell people about (an entry of a report's effects outbox). */
export interface NotifyEffect {
  id: string;
  status: ReportStatus;
  message: string;
  at: Date;
}

export interface NotifyTarget {
  _id: string;
  ticketNo: string;
  citizenId: mongoose.Types.ObjectId | string;
}

const claim = (id: string): Promise<boolean> => insertUnlessTaken(() => NotificationClaim.create({ _id: id, at: new Date() }));

/** WeChat limits: `thing` ≤ 20 characters, `phrase` ≤ 5, `character_string` ≤ 32. */
function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}

/** Timeline messages speak to the reporter ("您的诉求"); a follower reads them about someone else's ticket. */
export function forFollower(message: string): string {
  return message.replace(/您的诉求/g, '该诉求').replace(/^您申请/, '提交人申请').replace(/^您/, '提交人');
}

function shanghaiTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

export function createNotificationService(deps: { messenger: WechatMessenger | null; config: NotificationConfig; log: Logger }) {
  const templateFor = (status: ReportStatus) => (deps.config.templates as Partial<Record<string, string>>)[status] ?? null;
  const knownTemplates = new Set(Object.values(deps.config.templates).filter(Boolean));

  /** Sends the WeChat message for one in-app message, if the resident subscribed. */
  async function sendWechat(messageId: string, citizenId: string, report: NotifyTarget, effect: NotifyEffect): Promise<'done' | 'retry'> {
    const templateId = templateFor(effect.status);
    const record = (state: string, errcode: number | null = null) =>
      Message.updateOne({ _id: messageId }, { $set: { wechat: { state, errcode, templateId } } });
    if (!templateId || !deps.messenger) return record('not_configured').then(() => 'done');
    if (!(await claim(`send:${messageId}`))) return 'done'; // sent (or being sent) already

    const grants = await SubscriptionGrant.find({ citizenId, templateId, state: 'available' }).sort({ createdAt: 1 }).limit(5).lean();
    if (!grants.length) return record('no_subscription').then(() => 'done'); // the common case: no user lookup
    const user = await User.findById(citizenId, { openid: 1 }).lean();
    let grantId: string | null = null;
    for (const g of grants) {
      if (await claim(`grant:${g._id}`)) {
        grantId = g._id;
        break;
      }
    }
    if (!user?.openid || !grantId) return record('no_subscription').then(() => 'done');

    const outcome = await deps.messenger.send({
      touser: user.openid,
      templateId,
      page: `${deps.config.page}?id=${report._id}`,
      miniprogramState: deps.config.miniprogramState,
      data: {
        character_string1: { value: clip(report.ticketNo, 32) },
        phrase2: { value: clip(STATUS_LABELS[effect.status], 5) },
        thing3: { value: clip(effect.message, 20) },
        time4: { value: shanghaiTime(effect.at) },
      },
    });
    if (outcome.state === 'sent') {
      await SubscriptionGrant.updateOne({ _id: grantId }, { $set: { state: 'used' } });
      await record('sent');
      return 'done';
    }
    if (outcome.state === 'refused') {
      // WeChat has no quota for this template: every grant we hold for it is stale.
      await SubscriptionGrant.updateMany({ citizenId, templateId, state: 'available' }, { $set: { state: 'refused' } });
      await record('refused', outcome.errcode);
      deps.log.info('wechat subscribe message refused', { ticketNo: report.ticketNo, errcode: outcome.errcode });
      return 'done';
    }
    // A transient failure: give the grant and the send back so a retry can use them.
    await NotificationClaim.deleteOne({ _id: `grant:${grantId}` });
    await NotificationClaim.deleteOne({ _id: `send:${messageId}` });
    await record('failed', outcome.errcode);
    deps.log.warn('wechat subscribe message failed', { ticketNo: report.ticketNo, errcode: outcome.errcode, error: outcome.error });
    return 'retry';
  }

  return {
    templates(): MessageTemplatesView {
      const events = (Object.entries(deps.config.templates) as [SubscribableEvent, string | undefined][])
        .filter((e): e is [SubscribableEvent, string] => Boolean(e[1]))
        .map(([event, templateId]) => ({ event, templateId }));
      return { events, templateIds: [...new Set(events.map((e) => e.templateId))].slice(0, 3) };
    },

    /** What is held about one resident here: their message subscriptions and how many in-app messages. */
    async dataOf(citizenId: string): Promise<{ subscriptions: { templateId: string; reportId: string | null; state: string; createdAt: string }[]; messages: number }> {
      const grants = await SubscriptionGrant.find({ citizenId }).sort({ _id: 1 }).lean();
      return {
        subscriptions: grants.map((g) => ({ templateId: g.templateId, reportId: g.reportId ?? null, state: g.state ?? 'available', createdAt: g.createdAt.toISOString() })),
        messages: await Message.countDocuments({ citizenId }),
      };
    },

    /** Removes a resident's subscriptions and in-app messages (删除我的个人信息). */
    async forget(citizenId: string): Promise<{ subscriptions: number; messages: number }> {
      const subscriptions = (await SubscriptionGrant.deleteMany({ citizenId })).deletedCount;
      const messages = (await Message.deleteMany({ citizenId })).deletedCount;
      return { subscriptions, messages };
    },

    /** Records what the resident answered to `requestSubscribeMessage`: each 「允许」 is one message we may send. */
    async recordSubscriptions(user: AuthUser, input: SubscriptionResult): Promise<{ granted: number }> {
      const unknown = Object.keys(input.results).filter((t) => !knownTemplates.has(t));
      if (unknown.length) throw new AppError(400, 'TEMPLATE_UNKNOWN', `订阅的消息模板不存在：${unknown.join('、')}`);
      const accepted = Object.entries(input.results).filter(([, r]) => r === 'accept');
      const at = new Date();
      if (accepted.length) {
        await SubscriptionGrant.insertMany(
          accepted.map(([templateId]) => ({
            _id: new mongoose.Types.ObjectId().toHexString(),
            citizenId: user.id,
            templateId,
            reportId: input.reportId ?? null,
            state: 'available',
            createdAt: at,
          })),
        );
      }
      return { granted: accepted.length };
    },

    /**
     * Tells everyone concerned (the reporter and anyone who joined the
     * ticket): an in-app message each, then a WeChat message where they
     * subscribed. Safe to run again for the same effect. 'retry' when a
     * WeChat send failed for a reason worth retrying.
     */
    async deliver(report: NotifyTarget, followers: string[], effect: NotifyEffect): Promise<'done' | 'retry'> {
      const owner = String(report.citizenId);
      let outcome: 'done' | 'retry' = 'done';
      for (const citizenId of [owner, ...followers.filter((f) => f !== owner)]) {
        const following = citizenId !== owner;
        const messageId = `${effect.id}:${citizenId}`;
        try {
          await Message.create({
            _id: messageId,
            citizenId,
            reportId: report._id,
            ticketNo: report.ticketNo,
            status: effect.status,
            title: `${following ? '您关注的诉求' : '您的诉求'}${STATUS_LABELS[effect.status]}`,
            body: following ? forFollower(effect.message) : effect.message,
            following,
            createdAt: effect.at,
          });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        if ((await sendWechat(messageId, citizenId, report, effect)) === 'retry') outcome = 'retry';
      }
      return outcome;
    },

    async list(user: AuthUser, cursor?: string, limit = 20, lang: Language = 'zh-CN'): Promise<{ items: MessageView[]; nextCursor: string | null; unread: number }> {
      const en = lang === 'en';
      const filter: Record<string, unknown> = { citizenId: user.id };
      if (cursor) filter._id = { $lt: cursor };
      const docs = await Message.find(filter).sort({ _id: -1 }).limit(Math.min(Math.max(limit, 1), 50) + 1).lean();
      const page = docs.slice(0, Math.min(Math.max(limit, 1), 50));
      return {
        items: page.map((m) => ({
          id: String(m._id),
          reportId: m.reportId,
          ticketNo: m.ticketNo,
          status: m.status as ReportStatus,
          // Stored in Chinese (as WeChat sent them); an English-speaking resident reads them in English.
          title: en ? `${m.following ? 'A report you follow' : 'Your report'}: ${STATUS_LABELS_EN[m.status as ReportStatus] ?? m.status}` : m.title,
          body: en ? timelineMessageEn(m.body) : m.body,
          createdAt: m.createdAt.toISOString(),
          read: Boolean(m.readAt),
          following: Boolean(m.following),
        })),
        nextCursor: docs.length > page.length ? String(page[page.length - 1]._id) : null,
        unread: await this.unread(user),
      };
    },

    unread: (user: AuthUser) => Message.countDocuments({ citizenId: user.id, readAt: null }),

    /** Messages whose WeChat subscribe message is not sent yet (for the metrics gauge; unindexed, so cached by the caller). */
    pendingWechat: () => Message.countDocuments({ 'wechat.state': 'pending' }).exec(),

    async markRead(user: AuthUser, ids?: string[]): Promise<{ unread: number }> {
      const filter: Record<string, unknown> = { citizenId: user.id, readAt: null };
      if (ids) filter._id = { $in: ids };
      await Message.updateMany(filter, { $set: { readAt: new Date() } });
      return { unread: await this.unread(user) };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
