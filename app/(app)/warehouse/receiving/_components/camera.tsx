"use client";
/**
 * Camera scanning when there is no scanner: the browser's own BarcodeDetector where it has one,
 * else barcode-detector's ponyfill on zxing-wasm, whose .wasm is served by this server
 * (/zxing/zxing_reader.wasm, copied from node_modules at install and build; never from a CDN).
 * The ponyfill is loaded only when the camera is opened.
 */
import { useEffect, useRef, useState } from "react";

type TDetector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
const FORMATS = ["code_128", "code_39", "data_matrix", "qr_code", "ean_13", "upc_a"];

async function detector(): Promise<TDetector> {
  const Native = (globalThis as unknown as { BarcodeDetector?: new (o: { formats: string[] }) => TDetector }).BarcodeDetector;
  if (Native) return new Native({ formats: FORMATS });
  const m = await import("barcode-detector/ponyfill");
  m.prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? "/zxing/zxing_reader.wasm" : prefix + path) } });
  return new m.BarcodeDetector({ formats: FORMATS as never }) as unknown as TDetector;
}

export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const [on, setOn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const last = useRef<{ code: string; at: number }>({ code: "", at: 0 });
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        const d = await detector();
        let failures = 0;
        const tick = async () => {
          if (stopped || !video.current) return;
          try {
            const found = await d.detect(video.current);
            failures = 0;
            const code = found[0]?.rawValue;
            const now = Date.now();
            // the same code held in front of the camera is one scan, not one per frame
            if (code && (code !== last.current.code || now - last.current.at > 2000)) {
              last.current = { code, at: now };
              onCodeRef.current(code);
            }
          } catch (e) {
            // a frame that could not be read is skipped; a reader that fails frame after frame (it could
            // not load, say) is reported instead of leaving a camera that silently never scans
            if (++failures >= 5) {
              setError(`Camera scanning stopped: the barcode reader failed (${e instanceof Error ? e.message.slice(0, 160) : String(e)}). Use a scanner or type the code.`);
              setOn(false);
              return;
            }
          }
          timer = setTimeout(() => void tick(), 200);
        };
        void tick();
      } catch (e) {
        setError(e instanceof Error ? `Camera unavailable: ${e.message}` : "Camera unavailable");
        setOn(false);
      }
    })();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [on]);

  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" className="btn btn-secondary min-h-16" onClick={() => setOn((x) => !x)} aria-pressed={on} data-testid="receiving-camera">
        {on ? "Stop camera" : "Camera"}
      </button>
      {on && <video ref={video} className="w-64 rounded-lg bg-black" muted playsInline />}
      {error && (
        <span className="text-sm text-red-800 max-w-64" role="alert" data-testid="receiving-camera-error">
          {error}
        </span>
      )}
    </div>
  );
}
