/** SAT checklists: every template with its versions; writing a new one or the next version. */
import Link from "next/link";
import { SAT_TEMPLATE_WRITERS } from "@/server/domains/acceptance/schema";
import { fmtTime } from "../../../_components/ui/format";
import { load, requireMe } from "../../../_lib/server-trpc";
import { TemplateForm } from "./template-form";

export const dynamic = "force-dynamic";

export default async function SatTemplatesPage({ searchParams }: { searchParams: Promise<{ from?: string }> }) {
  const sp = await searchParams;
  const me = await requireMe();
  const canWrite = SAT_TEMPLATE_WRITERS.includes(me.role);
  const r = await load(async (api) => {
    const [all, models] = await Promise.all([api.acceptance.templates({ latestOnly: false }), api.catalog.models({})]);
    return { all, models };
  });
  if (!r.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{r.message}</p>;
  const { all } = r.data;
  const seed = sp.from ? all.items.find((t) => t.id === sp.from) : undefined;
  const models = (r.data.models as { id: string; name: string; kind?: string }[]).map((m) => ({ id: m.id, name: m.name }));
  return (
    <div className="mx-auto max-w-5xl space-y-4">
      <div className="flex items-center gap-3">
        <h1 className="mr-auto text-2xl font-semibold">SAT checklists</h1>
        <Link className="btn btn-secondary" href="/sat">Back to SAT</Link>
      </div>
      <table className="w-full text-left text-sm card" data-testid="sat-templates">
        <thead className="bg-slate-100">
          <tr>
            <th className="p-2">Name</th>
            <th className="p-2">Version</th>
            <th className="p-2">For</th>
            <th className="p-2">Items</th>
            <th className="p-2">Saved</th>
            <th className="p-2" />
          </tr>
        </thead>
        <tbody>
          {all.items.map((t) => (
            <tr key={t.id} className="border-t">
              <td className="p-2">{t.name}</td>
              <td className="p-2">v{t.version}{t.latest ? " (latest)" : ""}</td>
              <td className="p-2">{t.modelName ?? "general"}</td>
              <td className="p-2">{t.items.map((i) => i.label).join(" · ")}</td>
              <td className="p-2">{fmtTime(t.createdAt)} by {t.createdBy}</td>
              <td className="p-2">{canWrite && t.latest && <Link className="underline" href={`/sat/templates?from=${t.id}`}>New version</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {canWrite && <TemplateForm key={seed?.id ?? "new"} models={models} seed={seed ? { name: seed.name, modelId: seed.modelId, items: seed.items } : null} />}
    </div>
  );
}
