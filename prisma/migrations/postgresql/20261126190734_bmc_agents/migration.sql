-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "siteId" TEXT,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BmcEndpoint" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "agentId" TEXT,
    "protocol" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordEnc" TEXT NOT NULL,
    "intervalSec" INTEGER NOT NULL DEFAULT 300,
    "allowCipherZero" BOOLEAN NOT NULL DEFAULT false,
    "tlsFingerprint" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "lastPower" TEXT,
    "lastStatus" TEXT,
    "lastError" TEXT,
    "lastProbeId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BmcEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BmcObservation" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "BmcObservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BmcFinding" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "resolvedBy" TEXT,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "BmcFinding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_tokenHash_key" ON "Agent"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "BmcEndpoint_assetId_key" ON "BmcEndpoint"("assetId");

-- CreateIndex
CREATE INDEX "BmcEndpoint_agentId_idx" ON "BmcEndpoint"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "BmcObservation_idempotencyKey_key" ON "BmcObservation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "BmcObservation_endpointId_observedAt_idx" ON "BmcObservation"("endpointId", "observedAt");

-- CreateIndex
CREATE INDEX "BmcFinding_assetId_status_idx" ON "BmcFinding"("assetId", "status");

-- CreateIndex
CREATE INDEX "BmcFinding_endpointId_kind_key_status_idx" ON "BmcFinding"("endpointId", "kind", "key", "status");

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Location"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BmcEndpoint" ADD CONSTRAINT "BmcEndpoint_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "Asset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BmcEndpoint" ADD CONSTRAINT "BmcEndpoint_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
