"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { errorInfo, useTRPC } from "../_components/trpc";
import { safeNextPath } from "@/server/domains/users/schema";

function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: () => router.replace(safeNextPath(next)),
    }),
  );
  const err = login.error ? errorInfo(login.error) : null;
  return (
    <main className="min-h-full flex items-center justify-center p-6">
      <form
        className="card w-full max-w-md p-8 space-y-5"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate({ username, password });
        }}
      >
        <div>
          <h1 className="text-2xl font-semibold">IronLedger</h1>
          <p className="text-slate-600">Sign in to the hardware ledger</p>
        </div>
        <label className="block space-y-1">
          <span className="font-medium">User name</span>
          <input className="input" name="username" autoComplete="username" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} required />
          {err?.fields?.username && <span className="text-sm text-red-700">{err.fields.username.join(", ")}</span>}
        </label>
        <label className="block space-y-1">
          <span className="font-medium">Password</span>
          <input className="input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {err && (
          <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">
            {err.message}
          </p>
        )}
        <button className="btn btn-primary w-full" type="submit" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
