import { procedure, router } from "../../trpc";
import { ZAuditEntries, ZAuditListInput, ZAuditVerification } from "./schema";
import { listAudit, verifyAuditChain } from "./service";

/** Auditors sign in with the viewer role. */
export const auditRouter = router({
  list: procedure(["admin", "viewer"]).input(ZAuditListInput).output(ZAuditEntries).query(({ ctx, input }) => listAudit(ctx.deps.db, input)),
  verify: procedure(["admin", "viewer"]).output(ZAuditVerification).query(({ ctx }) => verifyAuditChain(ctx.deps.db)),
});
