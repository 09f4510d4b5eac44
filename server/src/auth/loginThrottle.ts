import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError, withRetryAfter } from '../http/errors';
import { LoginLock } from './userModel';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

/**
 * Two brakes on password guessing:
 * - per account: 5 wrong passwords lock it for 15 minutes (a `loginlocks`
 *   document per login key, so every instance sees the lock). Attempts on one
 *   account are serialised in this process because FerretDB does not isolate
 *   concurrent updates of a document (a burst would otherwise lose counts);
 * - per client address: `perAddress` failures per 15 minutes, across all
 *   usernames (rate-limiter-flexible, in memory: a per-instance brake).
 * Both answer 429 with Retry-After.
 */
export function createLoginThrottle(opts: { perAddress?: number } = {}) {
  const addresses = new RateLimiterMemory({ points: opts.perAddress ?? 30, duration: LOCK_MS / 1000 });
  const chains = new Map<string, Promise<unknown>>();

  function serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (chains.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
    chains.set(key, next);
    void next.catch(() => {}).finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
    return next;
  }

  function locked(retryAfterMs: number, code: 'ACCOUNT_LOCKED' | 'RATE_LIMITED'): AppError {
    return withRetryAfter(new AppError(429, code), retryAfterMs);
  }

  return {
    /**
     * Runs `check` (true = right password) unless the account or the address is
     * locked, and books the outcome. Throws 429 when locked, before checking.
     */
    async attempt(loginKey: string, address: string, check: () => Promise<boolean>): Promise<boolean> {
      const byAddress = await addresses.get(address);
      if (byAddress && byAddress.consumedPoints >= (opts.perAddress ?? 30)) throw locked(byAddress.msBeforeNext, 'RATE_LIMITED');
      return serialize(loginKey, async () => {
        const lock = await LoginLock.findById(loginKey).lean();
        const now = Date.now();
        if (lock?.lockedUntil && lock.lockedUntil.getTime() > now) throw locked(lock.lockedUntil.getTime() - now, 'ACCOUNT_LOCKED');
        const ok = await check();
        if (ok) {
          if (lock) await LoginLock.deleteOne({ _id: loginKey });
          return true;
        }
        await addresses.penalty(address, 1);
        const failures = (lock?.lockedUntil ? 0 : (lock?.failures ?? 0)) + 1;
        const lockedUntil = failures >= LOCK_AFTER_FAILURES ? new Date(now + LOCK_MS) : null;
        await LoginLock.updateOne({ _id: loginKey }, { $set: { failures: lockedUntil ? 0 : failures, lockedUntil } }, { upsert: true });
        // The 5th wrong password is still answered 401; from then on 429 until the lock runs out.
        return false;
      });
    },
    /** An admin's password reset also lifts a lock. */
    async unlock(loginKey: string): Promise<void> {
      await LoginLock.deleteOne({ _id: loginKey });
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
