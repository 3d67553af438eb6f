"use client";
/**
 * The one confirmation dialog: says what will happen, optional extra fields
 * (a reason), the server's error in place, Cancel and a confirm button that
 * stays disabled while the action runs (it says so at once, before the server
 * answers, however slow the network). Escape or Cancel closes it; focus
 * starts on the first field or on the confirm button and comes back after.
 */
import { useEffect, useRef } from "react";
// the plain-fetch helpers, not ../trpc: this dialog must not pull the tRPC client into a page's first load
import { errorMessage } from "../rpc-fetch";

export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  tone = "danger",
  pending,
  error,
  onConfirm,
  onCancel,
  testId = "confirm-dialog-ok",
}: {
  title: string;
  body?: React.ReactNode;
  confirmLabel: string;
  /** danger: red confirm (destroys, interrupts); primary: an ordinary step */
  tone?: "danger" | "primary";
  pending: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  /** data-testid of the confirm button */
  testId?: string;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  // a running action cannot be cancelled: Escape waits for it like the buttons do
  const pendingRef = useRef(pending);
  useEffect(() => {
    pendingRef.current = pending;
  });
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = formRef.current?.querySelector<HTMLElement>("input, select, textarea") ?? formRef.current?.querySelector<HTMLElement>("button[type=submit]");
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !pendingRef.current) onCancel();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      before?.focus?.();
    };
  }, []);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/40 p-4" role="dialog" aria-modal="true" aria-labelledby="confirm-dialog-title" data-testid="confirm-dialog">
      <form
        ref={formRef}
        className="card w-full max-w-lg p-6 space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!pending) onConfirm();
        }}
      >
        <h2 id="confirm-dialog-title" className="text-xl font-semibold">{title}</h2>
        {body ? <div className="space-y-3">{body}</div> : null}
        {error ? <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorMessage(error)}</p> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={pending}>Cancel</button>
          <button type="submit" className={`btn ${tone === "danger" ? "btn-danger" : "btn-primary"}`} disabled={pending} data-testid={testId}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
