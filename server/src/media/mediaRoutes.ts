import Router from '@koa/router';
import multer from '@koa/multer';
import { LIMITS } from '@ssp/shared';
import type { AppContext, AppState } from '../http/context';
import { AppError } from '../http/errors';
import { publicRoute, requireRole } from '../http/middleware';
import type { TokenService } from '../auth/tokens';
import type { MediaService } from './mediaService';
import type { MediaSigner } from './mediaSigner';
import type { RateLimits } from '../http/rateLimits';

export function mediaRoutes(deps: { media: MediaService; tokens: TokenService; signer: MediaSigner; limits: RateLimits }) {
  const router = new Router<AppState>({ prefix: '/api/v1/media' });
  // One byte over the limit is enough to know the file is too large.
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: LIMITS.mediaBytes, files: 1, fields: 5 } });

  const receiveFile = async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart/form-data')) throw new AppError(400, 'MEDIA_MISSING_FILE');
    try {
      await upload.single('file')(ctx as never, async () => {});
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw new AppError(413, 'MEDIA_TOO_LARGE');
      if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') throw new AppError(400, 'MEDIA_MISSING_FILE', '一次只能上传一张图片，表单字段名为 file');
      throw new AppError(400, 'MEDIA_MISSING_FILE', '上传内容无法解析，请重试');
    }
    await next();
  };

  router.post('/', requireRole(deps.tokens, 'citizen', 'admin'), receiveFile, async (ctx) => {
    const file = (ctx as unknown as { file?: { buffer: Buffer } }).file;
    if (!file) throw new AppError(400, 'MEDIA_MISSING_FILE');
    // Residents' quotas: uploads per hour and bytes per day (the bytes received, before re-encoding). Staff are not limited.
    if (ctx.state.user!.role === 'citizen') {
      await deps.limits.consume('uploads', ctx.state.user!.id);
      try {
        await deps.limits.consume('uploadBytes', ctx.state.user!.id, file.buffer.length);
      } catch (err) {
        await deps.limits.refund('uploads', ctx.state.user!.id);
        throw err;
      }
    }
    ctx.status = 201;
    ctx.body = await deps.media.upload(ctx.state.user!, file.buffer);
  });

  router.get('/:id', publicRoute(), async (ctx) => {
    const size = ctx.query.size === 'preview' ? 'preview' : 'original';
    const { exp, sig } = ctx.query as Record<string, string | undefined>;
    let viewer = null;
    const signed = deps.signer.verify(ctx.params.id, size, exp, sig);
    if (!signed) {
      const header = /^Bearer (.+)$/.exec(ctx.get('Authorization'));
      if (!header) throw new AppError(401, 'UNAUTHENTICATED');
      viewer = await deps.tokens.authenticate(header[1]);
    }
    const doc = await deps.media.findReadable(ctx.params.id, viewer);
    ctx.type = size === 'preview' ? 'image/jpeg' : doc.contentType;
    // Content never changes for an id, but a copy must not outlive the link that fetched it; only this viewer may keep it.
    // (Fetched with a token instead of a link: the token's own expiry is not ours to extend, so no caching.)
    const remaining = signed ? Math.max(0, Number(exp) - Math.floor(Date.now() / 1000)) : 0;
    ctx.set('Cache-Control', remaining > 0 ? `private, max-age=${remaining}` : 'private, no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = deps.media.openStream(doc, size);
  });

  return router;
}
