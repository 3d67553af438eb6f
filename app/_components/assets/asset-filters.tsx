"use client";
/**
 * The asset list's filters: the one part of the list that runs in the browser.
 * A change goes to the URL (useListNav), the server sends the matching rows,
 * and the list shows its loading state from the first keystroke or choice.
 */
import { useEffect, useRef, useState } from "react";
import { ASSET_STATUSES, STATUS_META } from "@/server/domains/assets/status";
import { useListNav } from "../ui/list-nav";

type TOption = { id: string; label: string };
const TYPING_PAUSE_MS = 300;

export function AssetFilters({ filters, models, locations }: { filters: { q: string; status: string; modelId: string; locationId: string }; models: TOption[]; locations: TOption[] }) {
  const { setParams, setSoon } = useListNav();
  const [q, setQ] = useState(filters.q);
  const lastSent = useRef(filters.q);
  // the URL changed by other means (back button, a link): the box follows it
  useEffect(() => {
    if (filters.q.trim() === lastSent.current.trim()) return;
    lastSent.current = filters.q;
    setQ(filters.q);
  }, [filters.q]);
  useEffect(() => {
    if (q.trim() === lastSent.current.trim()) return setSoon(false);
    // the rows on screen no longer answer what is typed: say so now, ask the server after a pause
    setSoon(true);
    const t = setTimeout(() => {
      lastSent.current = q;
      setParams({ q: q.trim() || undefined });
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [q, setParams, setSoon]);

  // the selects keep the user's choice while the server answers (uncontrolled), and follow the URL
  // when the server's answer arrives (the key changes with it)
  return (
    <>
      <label className="block space-y-1">
        <span className="block text-sm text-slate-700">Serial or tag starts with</span>
        <input className="input font-mono" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. SN12 or IL-00" autoComplete="off" spellCheck={false} data-testid="filter-q" />
      </label>
      <label className="block space-y-1">
        <span className="block text-sm text-slate-700">Status</span>
        <select key={`s:${filters.status}`} className="input" defaultValue={filters.status} onChange={(e) => setParams({ status: e.target.value || undefined })} data-testid="filter-status">
          <option value="">All statuses</option>
          {ASSET_STATUSES.map((s) => (
            <option key={s} value={s}>{STATUS_META[s].label}</option>
          ))}
        </select>
      </label>
      <label className="block space-y-1">
        <span className="block text-sm text-slate-700">Model</span>
        <select key={`m:${filters.modelId}`} className="input" defaultValue={filters.modelId} onChange={(e) => setParams({ model: e.target.value || undefined })} data-testid="filter-model">
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>{m.label}</option>
          ))}
        </select>
      </label>
      <label className="block space-y-1">
        <span className="block text-sm text-slate-700">Location</span>
        <select key={`l:${filters.locationId}`} className="input" defaultValue={filters.locationId} onChange={(e) => setParams({ location: e.target.value || undefined })} data-testid="filter-location">
          <option value="">Anywhere</option>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>{l.label}</option>
          ))}
        </select>
      </label>
    </>
  );
}
