import { useEffect, useState } from 'react';
import { load, save } from '../services/storage';

/**
 * 长辈模式 (适老化): larger type (body ≥ 20 px), larger touch targets, a
 * simplified home and plain wording. Remembered on the device; every page
 * reads it through `useElderMode`, and a switch anywhere updates them all.
 */
const KEY = 'elderMode';
const listeners = new Set<(on: boolean) => void>();

export function isElderMode(): boolean {
  return load<boolean>(KEY) === true;
}

export function setElderMode(on: boolean): void {
  save(KEY, on);
  for (const fn of listeners) fn(on);
}

export function useElderMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(isElderMode);
  useEffect(() => {
    listeners.add(setOn);
    setOn(isElderMode()); // another page may have switched it while this one was hidden
    return () => void listeners.delete(setOn);
  }, []);
  return [on, setElderMode];
}

/** The class a resident page's root carries: `elder` in 长辈模式. */
export function usePageMode(): string {
  const [on] = useElderMode();
  return on ? 'elder' : '';
}
