-- CreateTable
CREATE TABLE "NetSwitch" (
    "id" TEXT NOT NULL,
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
    "lastPolledAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NetSwitch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LldpObservation" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "agentId" TEXT,
    "idempotencyKey" TEXT,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "view" TEXT NOT NULL,

    CONSTRAINT "LldpObservation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NetSwitch_assetId_key" ON "NetSwitch"("assetId");

-- CreateIndex
CREATE INDEX "NetSwitch_agentId_idx" ON "NetSwitch"("agentId");

-- CreateIndex
CREATE INDEX "LldpObservation_assetId_observedAt_idx" ON "LldpObservation"("assetId", "observedAt");

-- CreateIndex
CREATE UNIQUE INDEX "LldpObservation_agentId_idempotencyKey_key" ON "LldpObservation"("agentId", "idempotencyKey");
