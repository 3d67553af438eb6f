"use client";
/** A scanner-friendly field: a keyboard-wedge scanner types the code and Enter; the field clears and keeps focus. */
import { useRef } from "react";

export function ScanInput({ label, placeholder, onScan, testId, disabled }: { label: string; placeholder?: string; onScan: (code: string) => void; testId: string; disabled?: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <label className="block">
      <span className="block text-sm font-medium text-slate-700">{label}</span>
      <input
        ref={ref}
        data-testid={testId}
        disabled={disabled}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        placeholder={placeholder}
        className="mt-1 w-full rounded-lg border-2 border-slate-300 px-4 py-3 text-xl font-mono focus:border-sky-500 outline-none"
        onKeyDown={(e) => {
          if (e.key !== "Enter") return;
          e.preventDefault();
          const v = e.currentTarget.value.trim();
          e.currentTarget.value = "";
          if (v) onScan(v);
        }}
      />
    </label>
  );
}

/** One short tone: high for OK, low for a problem (Web Audio; silent where the browser has none). */
export function beep(ok: boolean) {
  try {
    const Ctx = (window as unknown as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const o = ctx.createOscillator();
    o.frequency.value = ok ? 1200 : 300;
    o.connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + (ok ? 0.08 : 0.25));
    o.onended = () => void ctx.close();
  } catch {
    /* no audio */
  }
}
