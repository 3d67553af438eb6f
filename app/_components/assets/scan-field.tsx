"use client";
/**
 * The global scan field. Takes keyboard-wedge scanners (a burst of fast
 * keystrokes ending in Enter) wherever the focus is not in another field, and
 * typed codes in the field itself. Opens the asset by asset tag or serial, or
 * says clearly that nothing matches. Sound + colour feedback for the floor.
 * It is on every page, so it calls assets.byCode with plain fetch (rpc-fetch.ts)
 * instead of pulling the tRPC client and react-query into the first load.
 *
 * Its answer (nothing matches, several match, an error) is a bar under the
 * header row (the layout's #scan-result-slot), so it takes its own room and
 * never covers the page's buttons. An unknown serial offers "Register" to
 * those who may register (the layout passes me.can.registerAssets), which
 * opens the register form with the serial filled in.
 */
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { rpcQuery } from "../rpc-fetch";
import { plural } from "../ui/format";

/** The id of the element (under the header row) the answer is shown in. */
export const SCAN_RESULT_SLOT = "scan-result-slot";

type TMatch = { id: string; serial: string; assetTag: string | null; model: { manufacturer: string; name: string } };
type TResult = { kind: "none"; code: string } | { kind: "many"; code: string; items: TMatch[] } | { kind: "error"; message: string } | null;

function beep(ok: boolean) {
  try {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = ok ? 880 : 220;
    g.gain.value = 0.08;
    o.connect(g).connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + (ok ? 0.08 : 0.3));
  } catch {
    /* no audio: colour is enough */
  }
}

/** A scanner types a whole code at well under 80 ms a key; people type slower. A pause resets the burst. */
const WEDGE_MAX_AVG_MS = 80;
const WEDGE_MAX_GAP_MS = 300;
const WEDGE_MIN_LEN = 3;

export function ScanField({ canRegister }: { canRegister: boolean }) {
  const router = useRouter();
  const [slot, setSlot] = useState<HTMLElement | null>(null);
  useEffect(() => setSlot(document.getElementById(SCAN_RESULT_SLOT)), []);
  const [value, setValue] = useState("");
  const [result, setResult] = useState<TResult>(null);
  const [busy, setBusy] = useState(false);
  // progress at once, however slow the network: the code being looked up, then the asset being opened
  const [progress, setProgress] = useState<{ code: string; step: "lookup" | "open"; path?: string } | null>(null);
  const pathname = usePathname();
  const input = useRef<HTMLInputElement>(null);
  // the asset's page is showing: the "Opening…" note has done its job
  useEffect(() => {
    setProgress((p) => (p?.step === "open" && p.path === pathname ? null : p));
  }, [pathname]);

  const lookup = useCallback(
    async (raw: string) => {
      const code = raw.trim();
      if (!code) return;
      setBusy(true);
      setResult(null);
      setProgress({ code, step: "lookup" });
      try {
        const items = await rpcQuery<TMatch[]>("assets.byCode", { code });
        setProgress(null);
        if (items.length === 1) {
          beep(true);
          setValue("");
          const path = `/assets/${items[0]!.id}`;
          if (path !== window.location.pathname) setProgress({ code: items[0]!.assetTag ?? items[0]!.serial, step: "open", path });
          router.push(path);
        } else if (items.length === 0) {
          beep(false);
          setResult({ kind: "none", code });
        } else {
          beep(true);
          setResult({ kind: "many", code, items });
        }
      } catch (e) {
        setProgress(null);
        beep(false);
        setResult({ kind: "error", message: e instanceof Error ? e.message : "Something went wrong." });
      } finally {
        setBusy(false);
      }
    },
    [router],
  );

  // keyboard wedge outside of any field
  useEffect(() => {
    let buf = "";
    let first = 0;
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      const now = performance.now();
      if (now - last > WEDGE_MAX_GAP_MS) {
        buf = "";
        first = now;
      }
      last = now;
      if (e.key === "Enter") {
        if (buf.length >= WEDGE_MIN_LEN && (now - first) / buf.length <= WEDGE_MAX_AVG_MS) {
          e.preventDefault();
          setValue(buf);
          void lookup(buf);
        }
        buf = "";
      } else if (e.key.length === 1) {
        buf += e.key;
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [lookup]);

  return (
    <div className="relative w-full max-w-md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void lookup(value);
        }}
      >
        <label className="sr-only" htmlFor="scan">Scan or type a serial or asset tag</label>
        <input
          id="scan"
          ref={input}
          data-testid="scan"
          className={`input font-mono ${result?.kind === "none" || result?.kind === "error" ? "ring-2 ring-red-600 border-red-600" : ""}`}
          placeholder="Scan or type serial / asset tag"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setResult(null);
          }}
          disabled={busy}
        />
      </form>
      {progress && !result && (
        <p role="status" className="absolute z-20 mt-2 w-full rounded-lg bg-slate-800 text-white px-3 py-2 shadow-lg" data-testid="scan-progress">
          {progress.step === "lookup" ? "Looking up " : "Opening "}
          <span className="font-mono font-semibold">{progress.code}</span>…
        </p>
      )}
      {result && slot && createPortal(<ScanResult result={result} canRegister={canRegister} onClose={(refocus) => { setResult(null); if (refocus) input.current?.focus(); else setValue(""); }} onOpen={(id) => { setResult(null); setValue(""); router.push(`/assets/${id}`); }} />, slot)}
    </div>
  );
}

function ScanResult({ result, canRegister, onClose, onOpen }: { result: NonNullable<TResult>; canRegister: boolean; onClose: (refocus: boolean) => void; onOpen: (id: string) => void }) {
  const tone = result.kind === "many" ? "bg-amber-50 text-amber-950" : "bg-red-50 text-red-900";
  return (
    <div role="alert" data-testid="scan-result" className={`flex flex-wrap items-center gap-3 px-4 py-2 text-base ${tone}`}>
      {result.kind === "none" && (
        <>
          <p className="mr-auto">
            Nothing matches <span className="font-mono font-semibold">{result.code}</span>. Check the label{canRegister ? ", or register the asset if it is new." : "; if the asset is new, ask someone who registers assets to add it."}
          </p>
          {canRegister && (
            <Link className="btn btn-primary" href={`/assets/new?serial=${encodeURIComponent(result.code)}`} prefetch={false} onClick={() => onClose(false)} data-testid="scan-register">
              Register {result.code}
            </Link>
          )}
        </>
      )}
      {result.kind === "error" && <p className="mr-auto">{result.message}</p>}
      {result.kind === "many" && (
        <>
          <p className="w-full">
            Serial <span className="font-mono">{result.code}</span> exists for {plural(result.items.length, "manufacturer")}. Choose one:
          </p>
          {result.items.map((i) => (
            <button key={i.id} type="button" className="btn btn-secondary" onClick={() => onOpen(i.id)}>
              {i.model.manufacturer} {i.model.name} · {i.assetTag ?? i.serial}
            </button>
          ))}
          <span className="mr-auto" />
        </>
      )}
      <button type="button" className="btn btn-secondary" onClick={() => onClose(true)} data-testid="scan-dismiss">
        Dismiss
      </button>
    </div>
  );
}
