-- CreateTable
CREATE TABLE "BmcCommand" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedByName" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "power" TEXT,
    "error" TEXT,
    "observationId" TEXT,

    CONSTRAINT "BmcCommand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BmcCommand_endpointId_requestedAt_id_idx" ON "BmcCommand"("endpointId", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "BmcCommand_agentId_status_requestedAt_idx" ON "BmcCommand"("agentId", "status", "requestedAt");
