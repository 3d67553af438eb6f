import { z } from "zod";
import { procedure, router } from "../../trpc";
import { listAudit, verifyAuditChain } from "./service";

/** Auditors sign in with the viewer role. */
export const auditRouter = router({
  list: procedure(["admin", "viewer"])
    .input(z.object({ entity: z.string().max(64).optional(), entityId: z.string().max(64).optional(), take: z.number().int().min(1).max(500).default(100), beforeSeq: z.number().int().positive().optional() }))
    .query(({ ctx, input }) => listAudit(ctx.deps.db, input)),
  verify: procedure(["admin", "viewer"]).query(({ ctx }) => verifyAuditChain(ctx.deps.db)),
});
