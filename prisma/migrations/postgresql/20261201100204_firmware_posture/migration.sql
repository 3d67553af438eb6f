-- CreateTable
CREATE TABLE "PostureObserved" (
    "assetId" TEXT NOT NULL,
    "observedAt" TIMESTAMP(3) NOT NULL,
    "observationId" TEXT NOT NULL,
    "secureBoot" TEXT,
    "tpm" TEXT,
    "bios" TEXT,

    CONSTRAINT "PostureObserved_pkey" PRIMARY KEY ("assetId")
);

-- CreateTable
CREATE TABLE "PosturePolicy" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "notes" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "current" BOOLEAN NOT NULL,

    CONSTRAINT "PosturePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostureWaiver" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,

    CONSTRAINT "PostureWaiver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FirmwareFinding" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "lag" INTEGER,
    "target" TEXT,
    "status" TEXT NOT NULL,
    "note" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "FirmwareFinding_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PosturePolicy_modelId_current_idx" ON "PosturePolicy"("modelId", "current");

-- CreateIndex
CREATE UNIQUE INDEX "PosturePolicy_modelId_revision_key" ON "PosturePolicy"("modelId", "revision");

-- CreateIndex
CREATE INDEX "PostureWaiver_assetId_revokedAt_idx" ON "PostureWaiver"("assetId", "revokedAt");

-- CreateIndex
CREATE INDEX "FirmwareFinding_status_assetId_idx" ON "FirmwareFinding"("status", "assetId");

-- CreateIndex
CREATE UNIQUE INDEX "FirmwareFinding_assetId_component_version_key" ON "FirmwareFinding"("assetId", "component", "version");
