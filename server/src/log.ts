import { createHmac, randomBytes } from 'node:crypto';

/**
 * JSON-lines logger. Personal data never reaches the log in clear: fields whose
 * names suggest phone numbers or WeChat ids are replaced by a short hash, and
 * anything that looks like a mainland mobile number is masked in free text.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /phone|openid|unionid|session_?key|password|secret|token|authorization/i;
const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

const PROCESS_KEY = randomBytes(32);

/**
 * Keyed (HMAC): a plain hash of a phone number can be reversed by hashing every
 * possible number (there are only ~10⁹). Without the key nobody can; with it,
 * one value still gives the same pseudonym across lines, so logs can be followed.
 * A logger without a key gets a random one (pseudonyms then hold within one run).
 */
export function pseudonymize(value: string, key: string | Buffer = PROCESS_KEY): string {
  return `h:${createHmac('sha256', key).update(value).digest('hex').slice(0, 12)}`;
}


export function redact(value: unknown, key = '', pseudonymKey: string | Buffer = PROCESS_KEY): unknown {
  if (value == null) return value;
  if (typeof value === 'string') {
    if (SENSITIVE_KEY.test(key)) return pseudonymize(value, pseudonymKey);
    return value.replace(MOBILE_IN_TEXT, (m) => `${m.slice(0, 3)}****${m.slice(7)}`);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, key, pseudonymKey));
  if (typeof value === 'object') {
    // A stack repeats the message (and may quote data): it is masked the same way.
    if (value instanceof Error) return { name: value.name, message: redact(value.message, '', pseudonymKey), stack: redact(value.stack, '', pseudonymKey) };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, pseudonymKey)]));
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  opts: { pseudonymKey?: string } = {},
): Logger {
  const min = ORDER[level];
  const key = opts.pseudonymKey ?? PROCESS_KEY;
  const emit = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: redact(msg, '', key), ...(redact(fields ?? {}, '', key) as object) }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
