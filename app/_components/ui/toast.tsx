"use client";
/**
 * Toasts: short messages after an action ("Moved to Burn-in"), read out by
 * screen readers (a polite live region; errors assertive), gone after a few
 * seconds or on Dismiss. useToast() from any client component under Providers.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState } from "react";

type TTone = "success" | "error" | "info";
type TToast = { id: number; tone: TTone; text: string };
type TToastApi = { show: (text: string, tone?: TTone) => void; success: (text: string) => void; error: (text: string) => void; info: (text: string) => void };

const ToastContext = createContext<TToastApi | null>(null);

const TONE: Record<TTone, string> = {
  success: "bg-green-800 text-white",
  error: "bg-red-800 text-white",
  info: "bg-slate-800 text-white",
};

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<TToast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (text: string, tone: TTone = "info") => {
      const id = next.current++;
      setToasts((ts) => [...ts.slice(-3), { id, tone, text }]);
      setTimeout(() => dismiss(id), tone === "error" ? 10_000 : 5_000);
    },
    [dismiss],
  );
  const api = useMemo<TToastApi>(() => ({ show, success: (t) => show(t, "success"), error: (t) => show(t, "error"), info: (t) => show(t, "info") }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      {/* taps go through a toast to the page below it (the next scan's Register button), except on Dismiss */}
      <div className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-[min(28rem,calc(100vw-2rem))] flex-col gap-2" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => (
          <div key={t.id} role={t.tone === "error" ? "alert" : "status"} className={`flex items-center gap-3 rounded-xl px-4 py-2 shadow-lg ${TONE[t.tone]}`} data-testid="toast" data-tone={t.tone}>
            <span className="mr-auto">{t.text}</span>
            <button type="button" className="pointer-events-auto min-h-11 min-w-11 rounded-lg px-2 underline" onClick={() => dismiss(t.id)}>
              Dismiss
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): TToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast needs <ToastProvider> (app/_components/providers.tsx)");
  return api;
}
