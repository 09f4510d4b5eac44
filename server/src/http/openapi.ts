import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { errorBodySchema, type ErrorCode } from '@ssp/shared';

// Adds `.openapi()` to zod schemas (the one zod instance the shared package uses too).
extendZodWithOpenApi(z);

/** A file or image body. */
export const binary = () => z.string().openapi({ format: 'binary' });

/**
 * One documented operation. Each domain lists its operations next to its
 * routes (`*Api.ts`), in the router's own path syntax (`/api/v1/reports/:id`);
 * `buildOpenApiDocument` turns them into OpenAPI 3.1. A test compares them
 * with the routes the Koa routers actually registered, so a route without an
 * operation here fails the build.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** exactly as registered with @koa/router, prefix included */
  path: string;
  summary: string;
  /**
   * Who may call it: `public` (no token), `citizen`/`admin` (that role's
   * bearer token), `user` (either role), `signature` (HMAC-signed by the
   * city's pipeline), `metrics` (the METRICS_TOKEN bearer token).
   */
  auth: 'public' | 'citizen' | 'admin' | 'user' | 'signature' | 'metrics';
  /** path parameters; by default each `:name` is a non-empty string */
  params?: z.AnyZodObject;
  query?: z.AnyZodObject;
  headers?: z.AnyZodObject;
  /** JSON request body (adds 400 VALIDATION_FAILED/INVALID_JSON and 413) */
  body?: z.ZodTypeAny;
  /** a multipart/form-data body instead of JSON */
  multipart?: z.AnyZodObject;
  /** the answer on success */
  ok: { status: number; schema?: z.ZodTypeAny; description: string; contentType?: string; headers?: z.AnyZodObject; links?: Record<string, OperationLink> };
  /** further answers, e.g. `{ 304: 'not modified' }` */
  otherResponses?: Record<number, string>;
  /** error codes by status beyond the automatic ones (see `standardErrors`) */
  errors?: Partial<Record<number, ErrorCode[]>>;
  /** counted by a per-resident or per-address limit: may answer 429 RATE_LIMITED */
  rateLimited?: boolean;
  /** leave out of the fuzzer's runs (say why at the operation) */
  fuzz?: false;
}

/** An OpenAPI link: what to call next with a value from this answer (the fuzzer's stateful phase follows them). */
export interface OperationLink {
  /** `method` + router path of the target operation, e.g. `get /api/v1/reports/:id` */
  operation: string;
  parameters: Record<string, string>;
}

export function operationId(method: string, koaPath: string): string {
  return `${method}${koaPath.replace(/^\/api\/v1/, '').replace(/[/:.-]+(\w)/g, (_, c: string) => c.toUpperCase())}`;
}

/** The tag each kind of caller's operations carry; the fuzzer runs each tag with its token. */
export const AUDIENCE_TAG: Record<ApiOperation['auth'], string> = {
  public: 'public',
  citizen: 'resident',
  user: 'resident',
  admin: 'staff',
  signature: 'pipeline',
  metrics: 'internal',
};

/** `/reports/:id` → `/reports/{id}` */
export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The errors every operation of a kind can answer, so domains list only their own. */
function standardErrors(op: ApiOperation): Map<number, Set<ErrorCode>> {
  const errors = new Map<number, Set<ErrorCode>>();
  const add = (status: number, ...codes: ErrorCode[]) => {
    const set = errors.get(status) ?? new Set<ErrorCode>();
    codes.forEach((c) => set.add(c));
    errors.set(status, set);
  };
  if (op.body) {
    add(400, 'VALIDATION_FAILED', 'INVALID_JSON');
    add(413, 'PAYLOAD_TOO_LARGE');
  }
  if (op.query || op.headers || op.params) add(400, 'VALIDATION_FAILED');
  if (op.auth === 'citizen' || op.auth === 'admin' || op.auth === 'user') add(401, 'UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'ACCOUNT_DISABLED');
  if (op.auth === 'citizen' || op.auth === 'admin') add(403, 'FORBIDDEN');
  if (op.auth === 'admin') add(403, 'PASSWORD_CHANGE_REQUIRED');
  if (op.path.includes(':')) add(404, 'NOT_FOUND');
  if (op.rateLimited) add(429, 'RATE_LIMITED');
  if (op.path.startsWith('/api/')) add(503, 'DATABASE_UNAVAILABLE');
  for (const [status, codes] of Object.entries(op.errors ?? {})) add(Number(status), ...(codes ?? []));
  return errors;
}

function defaultParams(path: string): z.AnyZodObject | undefined {
  const names = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  if (!names.length) return undefined;
  return z.object(Object.fromEntries(names.map((n) => [n, z.string().min(1)])));
}

export function buildOpenApiDocument(operations: ApiOperation[], info: { version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'token from /api/v1/auth/wechat-login (residents) or /api/v1/auth/admin-login (staff)' });
  registry.registerComponent('securitySchemes', 'metricsToken', { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN from the server configuration' });
  registry.registerComponent('securitySchemes', 'pipelineSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Pipeline-Signature',
    description: 'hex HMAC-SHA256 of `${X-Pipeline-Timestamp}.${raw body}` with PIPELINE_SECRET',
  });

  for (const op of operations) {
    const responses: Record<string, ResponseConfig> = {};
    responses[op.ok.status] = {
      description: op.ok.description,
      ...(op.ok.headers ? { headers: op.ok.headers } : {}),
      ...(op.ok.links
        ? {
            links: Object.fromEntries(
              Object.entries(op.ok.links).map(([name, link]) => {
                const [method, target] = link.operation.split(' ');
                return [name, { operationId: operationId(method, target), parameters: link.parameters }];
              }),
            ),
          }
        : {}),
      ...(op.ok.schema ? { content: { [op.ok.contentType ?? 'application/json']: { schema: op.ok.schema } } } : {}),
    };
    for (const [status, description] of Object.entries(op.otherResponses ?? {})) responses[status] = { description };
    for (const [status, codes] of standardErrors(op)) {
      responses[status] = { description: [...codes].join(', '), content: { 'application/json': { schema: errorBodySchema([...codes]) } } };
    }
    const security =
      op.auth === 'citizen' || op.auth === 'admin' || op.auth === 'user'
        ? [{ bearer: [] }]
        : op.auth === 'metrics'
          ? [{ metricsToken: [] }]
          : op.auth === 'signature'
            ? [{ pipelineSignature: [] }]
            : [];
    const route: RouteConfig = {
      method: op.method,
      path: toOpenApiPath(op.path),
      operationId: operationId(op.method, op.path),
      summary: op.summary,
      description: op.auth === 'user' ? 'residents and staff' : undefined,
      tags: [AUDIENCE_TAG[op.auth]],
      security,
      request: {
        params: op.params ?? defaultParams(op.path),
        query: op.query,
        headers: op.headers,
        body: op.body
          ? { required: true, content: { 'application/json': { schema: op.body } } }
          : op.multipart
            ? { required: true, content: { 'multipart/form-data': { schema: op.multipart } } }
            : undefined,
      },
      responses,
      ...(op.fuzz === false ? { 'x-fuzz': false } : {}),
    };
    registry.registerPath(route);
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: '随申拍 API',
      version: info.version,
      description: 'Citizen reporting front door of the 12345 hotline. Errors are always `{ error: { code, message, details? } }` with a stable code (shared/src/errors.ts) and a Chinese message.',
    },
    servers: [{ url: info.serverUrl ?? '/' }],
  });
}
