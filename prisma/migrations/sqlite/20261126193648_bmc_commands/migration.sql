-- CreateTable
CREATE TABLE "BmcCommand" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedByName" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "finishedAt" DATETIME,
    "power" TEXT,
    "error" TEXT,
    "observationId" TEXT
);

-- CreateIndex
CREATE INDEX "BmcCommand_endpointId_requestedAt_id_idx" ON "BmcCommand"("endpointId", "requestedAt", "id");

-- CreateIndex
CREATE INDEX "BmcCommand_agentId_status_requestedAt_idx" ON "BmcCommand"("agentId", "status", "requestedAt");
