-- CreateTable
CREATE TABLE "NetSwitch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "agentId" TEXT,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 161,
    "snmpVersion" TEXT NOT NULL,
    "communityEnc" TEXT,
    "v3User" TEXT,
    "authProtocol" TEXT,
    "privProtocol" TEXT,
    "authKeyEnc" TEXT,
    "privKeyEnc" TEXT,
    "intervalSec" INTEGER NOT NULL DEFAULT 300,
    "timeoutMs" INTEGER NOT NULL DEFAULT 2000,
    "lastPolledAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LldpObservation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "assetId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "agentId" TEXT,
    "idempotencyKey" TEXT,
    "observedAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "view" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "NetSwitch_assetId_key" ON "NetSwitch"("assetId");

-- CreateIndex
CREATE INDEX "NetSwitch_agentId_idx" ON "NetSwitch"("agentId");

-- CreateIndex
CREATE INDEX "LldpObservation_assetId_observedAt_idx" ON "LldpObservation"("assetId", "observedAt");

-- CreateIndex
CREATE UNIQUE INDEX "LldpObservation_agentId_idempotencyKey_key" ON "LldpObservation"("agentId", "idempotencyKey");
