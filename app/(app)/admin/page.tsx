"use client";
/**
 * Administration: people (users and roles), API tokens for integrations, and
 * site agents. Admins only; the server enforces that too (ADMIN_ONLY).
 * Tokens are shown once, right after they are created.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { ErrorBox, Field, fieldError, OkBox, OnceSecret, Tabs } from "../../_components/ui/form";
import { ROLE_OPTIONS, roleLabel, type TRoleValue } from "../../_components/admin/roles";
import { errorInfo, useTRPC } from "../../_components/trpc";
import { DataTable } from "../../_components/ui/data-table";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/router";
import { fmtTime } from "../../_components/ui/format";

type TOut = inferRouterOutputs<AppRouter>;
type TUser = TOut["users"]["list"][number];
type TToken = TOut["users"]["tokens"][number];
type TAgent = TOut["bmc"]["agents"][number];
/** the admin lists are short and come whole from the server: a plain DataTable, no URL paging or sorting */
const CELL = { className: "px-3 py-2" };
const SMALL = { className: "px-3 py-2 text-sm" };

const TABS = [
  { id: "users", label: "Users" },
  { id: "tokens", label: "API tokens" },
  { id: "agents", label: "Site agents" },
] as const;
type TTab = (typeof TABS)[number]["id"];

export default function AdminPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const [tab, setTab] = useState<TTab>("users");
  if (!me.data) return <p className="text-slate-600">Loading…</p>;
  if (!me.data.can.administer) {
    return (
      <div className="card p-6 max-w-xl space-y-2" data-testid="admin-forbidden">
        <h1 className="text-2xl font-semibold">Administration</h1>
        <p>Only administrators can manage users, API tokens and site agents. Ask an administrator if you need access or a token.</p>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">Administration</h1>
        <Link href="/admin/jobs" className="text-blue-800 underline" data-testid="admin-jobs-link">Background jobs</Link>
      </div>
      <Tabs tabs={TABS} value={tab} onChange={setTab} />
      {tab === "users" && <UsersSection myId={me.data.id} />}
      {tab === "tokens" && <TokensSection />}
      {tab === "agents" && <AgentsSection />}
    </div>
  );
}

// ------------------------------------------------------------------ users

function UsersSection({ myId }: { myId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [form, setForm] = useState({ username: "", displayName: "", role: "viewer" as TRoleValue, password: "" });
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (u) => {
        setCreated(`${u.displayName} (${u.username}) can now sign in as ${roleLabel(u.role)}.`);
        setForm({ username: "", displayName: "", role: "viewer", password: "" });
        await refresh();
      },
    }),
  );
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh }));
  const [resetFor, setResetFor] = useState<{ id: string; name: string } | null>(null);
  const [newPw, setNewPw] = useState("");
  const [resetDone, setResetDone] = useState<string | null>(null);
  const reset = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async (u) => {
        setResetDone(`Password for ${u.displayName} changed; their open sessions were signed out.`);
        setResetFor(null);
        setNewPw("");
        await refresh();
      },
    }),
  );
  const userColumns: ColumnDef<TUser, unknown>[] = [
    { id: "username", header: "User name", cell: ({ row: { original: u } }) => u.username, meta: { className: "px-3 py-2 font-mono" } },
    { id: "displayName", header: "Name", cell: ({ row: { original: u } }) => u.displayName, meta: CELL },
    {
      id: "role",
      header: "Role",
      meta: CELL,
      cell: ({ row: { original: u } }) => (
        <select
          className="input w-auto min-w-52"
          aria-label={`Role of ${u.username}`}
          data-testid="user-role"
          value={u.role}
          disabled={u.id === myId || update.isPending}
          title={u.id === myId ? "You cannot change your own role; ask another administrator." : undefined}
          onChange={(e) => update.mutate({ id: u.id, data: { role: e.target.value as TRoleValue } })}
        >
          {ROLE_OPTIONS.map((r) => (
            <option key={r.value} value={r.value}>{r.label}</option>
          ))}
        </select>
      ),
    },
    { id: "active", header: "Active", cell: ({ row: { original: u } }) => (u.active ? "Yes" : "No"), meta: CELL },
    {
      id: "actions",
      header: "Actions",
      meta: CELL,
      cell: ({ row: { original: u } }) => (
        <div className="flex gap-2">
          {u.id !== myId && (
            <button type="button" className="btn btn-secondary" disabled={update.isPending} onClick={() => update.mutate({ id: u.id, data: { active: !u.active } })}>
              {u.active ? "Deactivate" : "Reactivate"}
            </button>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => { reset.reset(); setResetDone(null); setNewPw(""); setResetFor({ id: u.id, name: u.displayName }); }}>
            Reset password
          </button>
        </div>
      ),
    },
  ];
  const resetError = reset.error ? (errorInfo(reset.error).fields?.data?.[0] ?? errorInfo(reset.error).fields?.password?.[0] ?? errorInfo(reset.error).message) : undefined;

  return (
    <div className="grid gap-4 xl:grid-cols-3">
      <section className="card p-4 space-y-3 xl:col-span-2 overflow-x-auto" data-testid="users-section">
        <h2 className="text-lg font-semibold">Users</h2>
        {users.isError && <ErrorBox error={users.error} />}
        {update.isError && <ErrorBox error={update.error} />}
        {resetDone && <OkBox>{resetDone}</OkBox>}
        <DataTable<TUser>
          columns={userColumns}
          rows={users.data ?? []}
          rowKey={(u) => u.id}
          testId="user-rows"
          noun={["user", "users"]}
          empty={users.isPending ? "Loading…" : "No users."}
          caption="Users"
          rowProps={(u) => ({ className: u.active ? "" : "text-slate-500", "data-testid": `user-${u.username}` })}
        />
      </section>

      <section className="card p-4 space-y-3">
        <h2 className="text-lg font-semibold">New user</h2>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            setCreated(null);
            create.mutate(form);
          }}
        >
          <Field label="User name" error={fieldError(create.error, "username")} hint="Lower-case letters, digits, . _ -">
            <input className="input font-mono" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" data-testid="new-user-username" />
          </Field>
          <Field label="Display name" error={fieldError(create.error, "displayName")}>
            <input className="input" value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} data-testid="new-user-name" />
          </Field>
          <Field label="Role" error={fieldError(create.error, "role")}>
            <select className="input" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as TRoleValue })} data-testid="new-user-role">
              {ROLE_OPTIONS.map((r) => (
                <option key={r.value} value={r.value}>{r.label}</option>
              ))}
            </select>
          </Field>
          <Field label="Initial password" error={fieldError(create.error, "password")} hint="At least 12 characters. Tell the person in a safe way.">
            <input className="input" type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} autoComplete="new-password" data-testid="new-user-password" />
          </Field>
          {create.isError && <ErrorBox error={create.error} />}
          {created && <OkBox>{created}</OkBox>}
          <button type="submit" className="btn btn-primary w-full" disabled={create.isPending} data-testid="new-user-submit">
            {create.isPending ? "Creating…" : "Create user"}
          </button>
        </form>
      </section>

      {resetFor && (
        <ConfirmDialog
          title={`New password for ${resetFor.name}`}
          tone="primary"
          confirmLabel="Set password"
          pending={reset.isPending}
          onConfirm={() => reset.mutate({ id: resetFor.id, data: { password: newPw } })}
          onCancel={() => setResetFor(null)}
          body={
            <Field label="New password" error={resetError} hint="At least 12 characters. Their open sessions are signed out.">
              <input className="input" type="password" value={newPw} onChange={(e) => setNewPw(e.target.value)} autoComplete="new-password" />
            </Field>
          }
        />
      )}
    </div>
  );
}

// ------------------------------------------------------------------ API tokens

const isExpired = (at: Date | string | null | undefined) => !!at && new Date(at).getTime() < Date.now();

function TokensSection() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.users.tokens.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.tokens.queryKey() });
  const [form, setForm] = useState({ name: "", role: "viewer" as TRoleValue, days: "90" });
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation(
    trpc.users.createToken.mutationOptions({
      onSuccess: async (t) => {
        setSecret({ name: t.name, token: t.token });
        setForm({ name: "", role: "viewer", days: "90" });
        await refresh();
      },
    }),
  );
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const revoke = useMutation(trpc.users.revokeToken.mutationOptions({ onSuccess: async () => { setRevoking(null); await refresh(); } }));
  const tokenColumns: ColumnDef<TToken, unknown>[] = [
    { id: "name", header: "Name", cell: ({ row: { original: t } }) => t.name, meta: CELL },
    { id: "role", header: "Role", cell: ({ row: { original: t } }) => roleLabel(t.role), meta: CELL },
    { id: "prefix", header: "Prefix", cell: ({ row: { original: t } }) => `${t.prefix}…`, meta: { className: "px-3 py-2 font-mono" } },
    { id: "created", header: "Created", cell: ({ row: { original: t } }) => fmtTime(t.createdAt), meta: SMALL },
    { id: "lastUsed", header: "Last used", cell: ({ row: { original: t } }) => fmtTime(t.lastUsedAt, "never"), meta: SMALL },
    { id: "expires", header: "Expires", cell: ({ row: { original: t } }) => `${fmtTime(t.expiresAt, "never")}${isExpired(t.expiresAt) ? " (expired)" : ""}`, meta: SMALL },
    { id: "revoked", header: "Revoked", cell: ({ row: { original: t } }) => fmtTime(t.revokedAt, "—"), meta: SMALL },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: CELL,
      cell: ({ row: { original: t } }) =>
        !t.revokedAt && (
          <button type="button" className="btn btn-secondary text-red-800" onClick={() => { revoke.reset(); setRevoking({ id: t.id, name: t.name }); }}>Revoke</button>
        ),
    },
  ];
  const daysNum = form.days.trim() === "" ? undefined : Number(form.days);

  return (
    <div className="space-y-4">
      <section className="card p-4 space-y-3">
        <h2 className="text-lg font-semibold">New API token</h2>
        <p className="text-slate-600">Integrations call the REST API (<span className="font-mono">/api/v1</span>) with <span className="font-mono">Authorization: Bearer &lt;token&gt;</span>. A token acts with the role you give it.</p>
        {secret ? (
          <OnceSecret title={`API token “${secret.name}”`} secret={secret.token} onDone={() => setSecret(null)} />
        ) : (
          <form
            className="flex flex-wrap items-start gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name: form.name, role: form.role, expiresInDays: daysNum });
            }}
          >
            <Field label="Name (what uses it)" error={fieldError(create.error, "name")} className="w-64">
              <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="e.g. ERP sync" data-testid="new-token-name" />
            </Field>
            <Field label="Role" error={fieldError(create.error, "role")} className="w-52">
              <select className="input" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as TRoleValue })} data-testid="new-token-role">
                {ROLE_OPTIONS.map((r) => (
                  <option key={r.value} value={r.value}>{r.label}</option>
                ))}
              </select>
            </Field>
            <Field label="Expires after (days)" error={fieldError(create.error, "expiresInDays")} hint="Empty: never expires" className="w-44">
              <input className="input" inputMode="numeric" value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value.replace(/[^0-9]/g, "") })} data-testid="new-token-days" />
            </Field>
            <div className="pt-6">
              <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="new-token-submit">{create.isPending ? "Creating…" : "Create token"}</button>
            </div>
            {create.isError && <div className="w-full"><ErrorBox error={create.error} /></div>}
          </form>
        )}
      </section>

      <section className="card p-4 space-y-3 overflow-x-auto">
        <h2 className="text-lg font-semibold">Tokens</h2>
        {tokens.isError && <ErrorBox error={tokens.error} />}
        <DataTable<TToken>
          columns={tokenColumns}
          rows={tokens.data ?? []}
          rowKey={(t) => t.id}
          testId="token-rows"
          noun={["token", "tokens"]}
          empty={tokens.isPending ? "Loading…" : "No API tokens yet."}
          caption="API tokens"
          rowProps={(t) => ({ className: t.revokedAt || isExpired(t.expiresAt) ? "text-slate-500" : "" })}
        />
      </section>

      {revoking && (
        <ConfirmDialog
          title={`Revoke the API token “${revoking.name}”?`}
          body={<p>Whatever uses it stops working at once. This cannot be undone; create a new token if it is needed again.</p>}
          confirmLabel="Revoke token"
          pending={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate({ id: revoking.id })}
          onCancel={() => setRevoking(null)}
        />
      )}
    </div>
  );
}

// ------------------------------------------------------------------ site agents

function AgentsSection() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const agents = useQuery(trpc.bmc.agents.queryOptions());
  const sites = useQuery(trpc.locations.list.queryOptions({ kind: "SITE" }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.bmc.agents.queryKey() });
  const [form, setForm] = useState({ name: "", siteId: "" });
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation(
    trpc.bmc.createAgent.mutationOptions({
      onSuccess: async (a) => {
        setSecret({ name: a.name, token: a.token });
        setForm({ name: "", siteId: "" });
        await refresh();
      },
    }),
  );
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const revoke = useMutation(trpc.bmc.revokeAgent.mutationOptions({ onSuccess: async () => { setRevoking(null); await refresh(); } }));

  const agentColumns: ColumnDef<TAgent, unknown>[] = [
    { id: "name", header: "Name", cell: ({ row: { original: a } }) => a.name, meta: { className: "px-3 py-2 font-mono" } },
    { id: "site", header: "Site", cell: ({ row: { original: a } }) => (a.site ? `${a.site.code} · ${a.site.name}` : "—"), meta: CELL },
    { id: "prefix", header: "Prefix", cell: ({ row: { original: a } }) => `${a.prefix}…`, meta: { className: "px-3 py-2 font-mono" } },
    { id: "bmcs", header: "BMCs", cell: ({ row: { original: a } }) => a._count.endpoints, meta: CELL },
    { id: "lastSeen", header: "Last seen", cell: ({ row: { original: a } }) => fmtTime(a.lastSeenAt, "never"), meta: SMALL },
    { id: "created", header: "Created", cell: ({ row: { original: a } }) => fmtTime(a.createdAt), meta: SMALL },
    { id: "revoked", header: "Revoked", cell: ({ row: { original: a } }) => fmtTime(a.revokedAt), meta: SMALL },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: CELL,
      cell: ({ row: { original: a } }) =>
        !a.revokedAt && (
          <button type="button" className="btn btn-secondary text-red-800" onClick={() => { revoke.reset(); setRevoking({ id: a.id, name: a.name }); }}>Revoke</button>
        ),
    },
  ];

  return (
    <div className="space-y-4">
      <section className="card p-4 space-y-3">
        <h2 className="text-lg font-semibold">New site agent</h2>
        <p className="text-slate-600">A site agent runs inside a site&apos;s out-of-band network, polls the BMCs assigned to it and reports back with its own token.</p>
        {secret ? (
          <div className="space-y-3">
            <OnceSecret title={`Agent token for “${secret.name}” (give it to the agent as IRONLEDGER_AGENT_TOKEN)`} secret={secret.token} onDone={() => setSecret(null)} />
            <AgentCommandLine token={secret.token} />
          </div>
        ) : (
          <form
            className="flex flex-wrap items-start gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name: form.name, siteId: form.siteId || null });
            }}
          >
            <Field label="Name" error={fieldError(create.error, "name")} className="w-64">
              <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="e.g. fra1-oob-1" data-testid="new-agent-name" />
            </Field>
            <Field label="Site (optional)" error={fieldError(create.error, "siteId")} className="w-64">
              <select className="input" value={form.siteId} onChange={(e) => setForm({ ...form, siteId: e.target.value })}>
                <option value="">No site</option>
                {sites.data?.map((s) => (
                  <option key={s.id} value={s.id}>{s.code} · {s.name}</option>
                ))}
              </select>
            </Field>
            <div className="pt-6">
              <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="new-agent-submit">{create.isPending ? "Creating…" : "Create agent"}</button>
            </div>
            {create.isError && <div className="w-full"><ErrorBox error={create.error} /></div>}
          </form>
        )}
      </section>

      <section className="card p-4 space-y-3 overflow-x-auto">
        <h2 className="text-lg font-semibold">Agents</h2>
        {agents.isError && <ErrorBox error={agents.error} />}
        <DataTable<TAgent>
          columns={agentColumns}
          rows={agents.data ?? []}
          rowKey={(a) => a.id}
          testId="agent-rows"
          noun={["agent", "agents"]}
          empty={agents.isPending ? "Loading…" : "No site agents yet."}
          caption="Site agents"
          rowProps={(a) => ({ className: a.revokedAt ? "text-slate-500" : "" })}
        />
      </section>

      {revoking && (
        <ConfirmDialog
          title={`Revoke the agent “${revoking.name}”?`}
          body={<p>The agent is refused from its next call on, and the BMCs assigned to it are no longer polled until you assign them to another agent. This cannot be undone; its name becomes free, so a new agent (with a new token) may take it.</p>}
          confirmLabel="Revoke agent"
          pending={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate({ id: revoking.id })}
          onCancel={() => setRevoking(null)}
        />
      )}
    </div>
  );
}

/** The command to start the agent on its host, as in the README, with this server's address and the new token. */
function AgentCommandLine({ token }: { token: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const origin = typeof window === "undefined" ? "https://ironledger.example" : window.location.origin;
  const url = new URL(origin);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  // the agent refuses plain http to anything but loopback unless told (it receives BMC passwords)
  const insecure = url.protocol === "http:" && !loopback;
  const line = `npx ironledger agent --server ${origin} --token ${token}${insecure ? " --insecure-http" : ""}`;
  return (
    <div className="rounded-xl border border-slate-300 bg-slate-50 p-4 space-y-2" data-testid="agent-command">
      <p className="font-semibold">Start the agent on a host inside the site&apos;s management network:</p>
      <textarea readOnly className="input font-mono w-full h-auto" rows={2} value={line} onFocus={(e) => e.currentTarget.select()} aria-label="Agent command line" data-testid="agent-command-line" />
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(line);
              setCopied("yes");
            } catch {
              setCopied("no");
            }
          }}
        >
          Copy command
        </button>
        {copied === "yes" && <span role="status">Copied.</span>}
        {copied === "no" && <span role="status">Select the text and copy it by hand.</span>}
      </div>
      <p className="text-sm text-slate-700">
        It keeps undelivered readings in <span className="font-mono">./data/agent-journal</span> (<span className="font-mono">--journal DIR</span> to change). To keep the token off the command line, set <span className="font-mono">IRONLEDGER_AGENT_TOKEN</span> and leave out <span className="font-mono">--token</span>.
        {insecure && " This server is reached over plain http: the agent then needs --insecure-http and warns at every start; prefer https."}
      </p>
    </div>
  );
}
