import { createHash } from 'node:crypto';

/**
 * JSON-lines logger. Personal data never reaches the log in clear: fields whose
 * names suggest phone numbers or WeChat ids are replaced by a short hash, and
 * anything that looks like a mainland mobile number is masked in free text.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /phone|openid|unionid|session_?key|password|secret|token|authorization/i;
const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

export function pseudonymize(value: string): string {
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 10)}`;
}

export function redact(value: unknown, key = ''): unknown {
  if (value == null) return value;
  if (typeof value === 'string') {
    if (SENSITIVE_KEY.test(key)) return pseudonymize(value);
    return value.replace(MOBILE_IN_TEXT, (m) => `${m.slice(0, 3)}****${m.slice(7)}`);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: redact(value.message), stack: value.stack };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: Level = 'info', write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const min = ORDER[level];
  const emit = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: redact(msg), ...(redact(fields ?? {}) as object) }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
