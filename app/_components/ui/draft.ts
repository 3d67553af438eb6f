/**
 * What a person typed survives a session that ended under them: a form keeps
 * its draft in this tab's sessionStorage (per page and name) while it is being
 * filled in, and takes it back when the page opens again, e.g. after the
 * sign-in that an expired session sent them to. The form clears its draft once
 * it is saved or cancelled. Nothing leaves the browser; sessionStorage ends
 * with the tab.
 */
import { useEffect, useRef } from "react";

const PREFIX = "il-draft:";
/** a draft older than a working shift is not what someone is coming back to */
const MAX_AGE_MS = 12 * 60 * 60 * 1000;

const keyFor = (name: string) => `${PREFIX}${window.location.pathname}:${name}`;

export function saveDraft(name: string, value: unknown): void {
  try {
    if (value === null || value === undefined) sessionStorage.removeItem(keyFor(name));
    else sessionStorage.setItem(keyFor(name), JSON.stringify({ at: Date.now(), value }));
  } catch {
    /* storage full or disabled: the draft is a convenience */
  }
}

export function clearDraft(name: string): void {
  saveDraft(name, null);
}

export function readDraft<T>(name: string): T | null {
  try {
    const raw = sessionStorage.getItem(keyFor(name));
    if (!raw) return null;
    const d = JSON.parse(raw) as { at?: number; value?: T };
    if (typeof d.at !== "number" || Date.now() - d.at > MAX_AGE_MS || d.value === undefined) return null;
    return d.value;
  } catch {
    return null;
  }
}

/**
 * Keeps `value` as the draft `name` of this page (null: no draft) and, once on
 * mount, hands a stored draft to `restore`.
 */
export function useDraft<T>(name: string, value: T | null, restore: (v: T) => void): void {
  const restoreRef = useRef(restore);
  useEffect(() => {
    restoreRef.current = restore;
  });
  // restore first: the save below runs after it in the same commit, and again once the restored state renders
  useEffect(() => {
    const d = readDraft<T>(name);
    if (d !== null) restoreRef.current(d);
  }, [name]);
  const json = JSON.stringify(value ?? null);
  useEffect(() => {
    saveDraft(name, JSON.parse(json) as T | null);
  }, [name, json]);
}
