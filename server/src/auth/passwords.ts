import { randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { PASSWORD_MIN_LENGTH, type FieldIssue } from '@ssp/shared';

/**
 * Staff passwords: argon2id (@node-rs/argon2, Rust, prebuilt binaries). Its
 * async `hash`/`verify` run on libuv's thread pool, so a burst of sign-in
 * attempts never blocks the event loop. Parameters are the library's
 * defaults, which are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
 * bcrypt hashes from before are still accepted and replaced at the next
 * successful sign-in (bcrypt ignored everything after byte 72).
 */
const ARGON2ID = 2; // Algorithm.Argon2id: a `const enum` in the typings, which tsx cannot inline

export function hashPassword(password: string): Promise<string> {
  return argonHash(password, { algorithm: ARGON2ID });
}

export function isLegacyHash(stored: string): boolean {
  return stored.startsWith('$2');
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (isLegacyHash(stored)) return bcrypt.compare(password, stored);
  try {
    return await argonVerify(stored, password);
  } catch {
    return false;
  }
}

/** A real hash to check against when the username is unknown, so timing does not tell which usernames exist. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  return dummy;
}

/**
 * How guessable a password is: zxcvbn-ts with its common-password and name lists and keyboard graphs. A list of
 * common passwords alone (dumb-passwords, before) held only 10 entries of 12+ characters, so `password1234`,
 * `123456789012` and `qwertyuiop12` passed; zxcvbn also sees sequences, keyboard walks, repeats, dates and
 * common words with digits appended. Built once, on first use (its dictionaries take ~0.2 s to index).
 */
let strength: ZxcvbnFactory | null = null;
function guessability(): ZxcvbnFactory {
  strength ??= new ZxcvbnFactory({ dictionary: { ...zxcvbnCommon.dictionary }, graphs: zxcvbnCommon.adjacencyGraphs });
  return strength;
}
/**
 * zxcvbn's score 3 of 0–4: "safely unguessable" (about 10^8 guesses or more), its own advice for a password that
 * guards an account against an online attack that slips past rate limits, and what a 12-character passphrase
 * or random string reaches.
 */
export const MIN_PASSWORD_SCORE = 3;

/** 12+ characters, hard to guess (zxcvbn-ts score ≥ 3: no common password, sequence or keyboard walk), not the username. */
export function passwordProblems(password: string, username: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const path = 'next';
  if ([...password].length < PASSWORD_MIN_LENGTH) issues.push({ path, code: 'too_short', message: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符` });
  const lower = password.toLowerCase();
  if (lower.includes(username.toLowerCase())) issues.push({ path, code: 'contains_username', message: '密码不能包含用户名' });
  // zxcvbn scores only the first 100 characters' patterns by default; a long password is not the weak case anyway.
  if (guessability().check(password.slice(0, 100), [username]).score < MIN_PASSWORD_SCORE) {
    issues.push({ path, code: 'too_common', message: '这个密码太容易被猜到（常见密码、连续数字或键盘顺序），请换一个，例如几个不相关的词连起来' });
  }
  return issues;
}

/** What admins are shown once for a new account or a reset: 16 random characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
