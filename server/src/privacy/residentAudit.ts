import mongoose from 'mongoose';
import type { AppContext } from '../http/context';

/**
 * Audit entries for what residents do with their own personal data (export,
 * deletion). They go into the same append-only `audit` collection, in the
 * same shape, as the staff audit trail (issue 10), so one trail answers
 * "who saw or removed what": inserted with `w: majority` and never updated
 * or deleted. When the staff audit service is merged, `record` here becomes
 * a call to it.
 */
export async function recordResidentAudit(ctx: AppContext, action: 'resident.data_export' | 'resident.delete', summary: Record<string, unknown>): Promise<void> {
  const user = ctx.state.user!;
  await mongoose.connection.collection('audit').insertOne(
    {
      _id: new mongoose.Types.ObjectId().toHexString() as unknown as mongoose.Types.ObjectId,
      at: new Date(),
      actor: { id: user.id, name: '', roles: ['citizen'] },
      action,
      target: { type: 'resident', id: user.id },
      summary,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    },
    { writeConcern: { w: 'majority', j: true } },
  );
}
