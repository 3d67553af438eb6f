/**
 * Sign-in. Checked on the server: someone already signed in goes straight on
 * to `next` (a same-origin path only, anything else goes to the asset list).
 */
import { redirect } from "next/navigation";
import { getMe, safeNext } from "../_lib/server-trpc";
import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNext((await searchParams).next);
  if (await getMe()) redirect(next);
  return <LoginForm next={next} />;
}
