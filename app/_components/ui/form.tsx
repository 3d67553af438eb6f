"use client";
/**
 * Small shared pieces for forms and admin screens: a labelled field with its
 * error next to it (from the server's zod issues: `data.fields`), an alert
 * box, a secret shown exactly once, tabs. The confirmation dialog is
 * ./confirm-dialog.tsx. Big touch targets, as everywhere.
 */
import { useState } from "react";
import { errorInfo, trpcError } from "../trpc";

/** The first field error for `name` from a failed mutation, if any. */
export function fieldError(error: unknown, name: string): string | undefined {
  if (!error) return undefined;
  return errorInfo(error).fields?.[name]?.[0];
}

/** `details` an AppError carried (e.g. { existingId } on DUPLICATE). */
export function errorDetails(error: unknown): Record<string, unknown> | null {
  return trpcError(error)?.data?.details ?? null;
}

export function Field({ label, error, hint, className = "", children }: { label: string; error?: string; hint?: string; className?: string; children: React.ReactNode }) {
  return (
    <label className={`block space-y-1 ${className}`}>
      <span className="block text-sm text-slate-700">{label}</span>
      {children}
      {hint && !error && <span className="block text-sm text-slate-500">{hint}</span>}
      {error && (
        <span className="block text-sm text-red-800" role="alert" data-testid="field-error">
          {error}
        </span>
      )}
    </label>
  );
}

export function ErrorBox({ error, children }: { error?: unknown; children?: React.ReactNode }) {
  if (!error && !children) return null;
  return (
    <div role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2" data-testid="error-box">
      {error ? errorInfo(error).message : null}
      {children}
    </div>
  );
}

export function OkBox({ children }: { children: React.ReactNode }) {
  return (
    <div role="status" className="rounded-lg bg-green-50 border border-green-200 text-green-900 px-3 py-2" data-testid="ok-box">
      {children}
    </div>
  );
}

/** A secret (API token, agent token) that the server returns once and never again. */
export function OnceSecret({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="rounded-xl border-2 border-amber-400 bg-amber-50 p-4 space-y-3" data-testid="once-secret">
      <p className="font-semibold">{title}</p>
      <p className="text-amber-900">Copy it now and keep it somewhere safe: it is shown only this once. IronLedger stores only a hash and cannot show it again; if it is lost, revoke it and create a new one.</p>
      <div className="flex flex-wrap gap-2 items-center">
        <input
          readOnly
          className="input font-mono flex-1 min-w-64"
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          aria-label="Secret value"
          data-testid="once-secret-value"
        />
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied("yes");
            } catch {
              setCopied("no");
            }
          }}
        >
          Copy
        </button>
        <button type="button" className="btn btn-primary" onClick={onDone} data-testid="once-secret-done">
          I have stored it
        </button>
      </div>
      {copied === "yes" && <p className="text-sm text-green-800">Copied to the clipboard.</p>}
      {copied === "no" && <p className="text-sm text-red-800">This browser did not allow copying; select the text and copy it by hand.</p>}
    </div>
  );
}

export function Tabs<T extends string>({ tabs, value, onChange }: { tabs: readonly { id: T; label: string }[]; value: T; onChange: (t: T) => void }) {
  return (
    <div role="tablist" className="flex flex-wrap gap-2 border-b border-slate-200 pb-2">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={value === t.id}
          className={`btn ${value === t.id ? "btn-primary" : "btn-secondary"}`}
          onClick={() => onChange(t.id)}
          data-testid={`tab-${t.id}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
