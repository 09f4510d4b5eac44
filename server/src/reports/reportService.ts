import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { firstLevelName, hasCoordinates, LIMITS, type CreateReport, type Page, type ReportView } from '@ssp/shared';
import type { AuthUser } from '../http/context';
import { AppError, notFound, validationFailed } from '../http/errors';
import type { GeoService } from '../geo/geoService';
import type { Logger } from '../log';
import type { MediaService } from '../media/mediaService';
import type { MediaSigner } from '../media/mediaSigner';
import { toGcj02 } from '../geo/coords';
import { Report, type ReportDoc } from './reportModel';
import { presentReport } from './reportPresenter';
import { createTicketNumberAllocator } from './ticketNumbers';

export interface CreateResult {
  report: ReportView;
  /** true when this was a retry of a request already stored */
  replayed: boolean;
}

function hashRequest(input: CreateReport): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

export function createReportService(deps: { geo: GeoService; media: MediaService; signer: MediaSigner; log: Logger }) {
  const present = (doc: ReportDoc) => presentReport(doc, deps.signer);
  const ticketNumbers = createTicketNumberAllocator();
  /** Conflicts come only from other server instances; a handful of retries is plenty. */
  const MAX_NUMBER_ATTEMPTS = 10;

  async function findByKey(citizenId: string, idempotencyKey: string) {
    return Report.findOne({ citizenId, idempotencyKey }).lean<ReportDoc>();
  }

  function replay(existing: ReportDoc, requestHash: string): CreateResult {
    if (existing.requestHash !== requestHash) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED');
    return { report: present(existing), replayed: true };
  }

  return {
    async create(user: AuthUser, idempotencyKey: string, input: CreateReport): Promise<CreateResult> {
      const requestHash = hashRequest(input);
      // No lookup by key first: the insert below fails on the unique
      // (citizenId, idempotencyKey) index for a retry, and only then do we read.
      // That keeps the common path to one write (and off FerretDB's full scans).

      const notOwned = await deps.media.notOwned(user.id, input.mediaIds);
      if (notOwned.length) {
        throw validationFailed(notOwned.map((i) => ({ path: `mediaIds.${i}`, code: 'media_not_owned', message: '图片不存在或不属于您，请重新上传' })));
      }
      let citizenCategory = null;
      if (input.categoryCode) {
        const name = firstLevelName(input.categoryCode);
        if (!name) throw validationFailed([{ path: 'categoryCode', code: 'unknown_category', message: '所选分类不存在' }]);
        citizenCategory = { code: input.categoryCode, name };
      }

      const place = deps.geo.resolveOffline(input.location);
      const now = new Date();
      const citizenId = new mongoose.Types.ObjectId(user.id);
      const mediaObjectIds = input.mediaIds.map((id) => new mongoose.Types.ObjectId(id));
      const build = (ticketNo: string) => ({
        _id: new mongoose.Types.ObjectId(),
        ticketNo,
        citizenId,
        idempotencyKey,
        requestHash,
        kind: input.kind,
        status: 'submitted',
        description: input.description,
        citizenCategory,
        location: input.location,
        point: hasCoordinates(input.location) ? toGcj02(input.location) : null,
        district: place.district,
        needsManualRouting: place.district === null,
        mediaIds: mediaObjectIds,
        contactPhone: input.contactPhone ?? null,
        anonymous: input.anonymous,
        timeline: [
          {
            at: now,
            status: 'submitted',
            actor: 'citizen',
            message: place.district
              ? `诉求已提交，工单号 ${ticketNo}，将转交${place.district.name}相关部门处理`
              : `诉求已提交，工单号 ${ticketNo}。暂未确定所属区，将由工作人员人工分派`,
          },
        ],
        delivery: { state: 'pending', attempts: 0, nextAttemptAt: now },
        createdAt: now,
        updatedAt: now,
      });

      // The one write that acknowledges the report. A duplicate-key error means
      // either the same draft raced in (answer with the winner) or another
      // instance took this ticket number (take the next one).
      let doc: ReportDoc | null = null;
      for (let attempt = 1; !doc; attempt++) {
        const ticketNo = await ticketNumbers.propose(now);
        try {
          // Input is already validated by the shared schema and the document is
          // built with its final types, so it goes straight to insertOne: running
          // it through a mongoose document doubled the CPU of a submit. A test
          // checks that stored reports still validate against the model.
          const raw = build(ticketNo);
          await Report.collection.insertOne(raw, { writeConcern: { w: 'majority', j: true } });
          doc = raw as unknown as ReportDoc;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const winner = await findByKey(user.id, idempotencyKey);
          if (winner) return replay(winner, requestHash);
          if (attempt >= MAX_NUMBER_ATTEMPTS) throw err;
          await ticketNumbers.resync(now);
        }
      }
      return { report: present(doc), replayed: false };
    },

    async listMine(user: AuthUser, cursor: string | undefined, limit: number): Promise<Page<ReportView>> {
      const filter: Record<string, unknown> = { citizenId: user.id };
      if (cursor) {
        if (!mongoose.isValidObjectId(cursor)) throw validationFailed([{ path: 'cursor', code: 'invalid_cursor', message: '分页参数无效' }]);
        filter._id = { $lt: new mongoose.Types.ObjectId(cursor) };
      }
      const size = Math.min(Math.max(limit || LIMITS.pageSize, 1), 50);
      const docs = await Report.find(filter).sort({ _id: -1 }).limit(size + 1).lean<ReportDoc[]>();
      const page = docs.slice(0, size);
      return { items: page.map(present), nextCursor: docs.length > size ? String(page[page.length - 1]._id) : null };
    },

    /** A resident sees only their own reports: anyone else's is "not found", never "forbidden". */
    async get(user: AuthUser, id: string): Promise<ReportView> {
      if (!mongoose.isValidObjectId(id)) throw notFound('REPORT_NOT_FOUND');
      const filter: Record<string, unknown> = { _id: id };
      if (user.role !== 'admin') filter.citizenId = user.id;
      const doc = await Report.findOne(filter).lean<ReportDoc>();
      if (!doc) throw notFound('REPORT_NOT_FOUND');
      return present(doc);
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
