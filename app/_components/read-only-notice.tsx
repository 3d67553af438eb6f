/**
 * Said on every page to an account that may change nothing (a viewer, see
 * isReadOnly in server/auth/capabilities.ts): the buttons to register, move or
 * set things up are not missing by mistake.
 */
export function ReadOnlyNotice() {
  return (
    <div role="note" className="mb-4 flex flex-wrap items-center gap-x-2 rounded-lg border border-sky-300 bg-sky-50 px-3 py-2 text-sky-950" data-testid="read-only-notice">
      <span className="font-semibold">Read-only account.</span>
      <span>You can look up assets, their history and places, but not register, move or change anything, so those buttons are not shown. Ask an administrator if you need to.</span>
    </div>
  );
}
