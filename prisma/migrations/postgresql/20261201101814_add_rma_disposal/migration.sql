-- CreateTable
CREATE TABLE "RmaCase" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "faultCode" TEXT,
    "vendorRmaNumber" TEXT,
    "keepDrive" BOOLEAN NOT NULL DEFAULT false,
    "keptDrives" TEXT,
    "burnInRunId" TEXT,
    "evidence" TEXT,
    "carrier" TEXT,
    "trackingNumber" TEXT,
    "shippedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "replacementSerial" TEXT,
    "replacementAssetId" TEXT,
    "receivedAt" TIMESTAMP(3),
    "turnaroundDays" DOUBLE PRECISION,
    "outcome" TEXT,
    "closedAt" TIMESTAMP(3),
    "slaDays" INTEGER NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "openedBy" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "breachFlaggedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RmaCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RmaTurnaroundMonth" (
    "month" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "days" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,
    "within" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RmaTurnaroundMonth_pkey" PRIMARY KEY ("month","vendorId","days")
);

-- CreateTable
CREATE TABLE "SanitisationRecord" (
    "id" TEXT NOT NULL,
    "hostAssetId" TEXT NOT NULL,
    "deviceAssetId" TEXT,
    "deviceSerial" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "technique" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "toolVersion" TEXT NOT NULL,
    "verification" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "performedAt" TIMESTAMP(3) NOT NULL,
    "importId" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SanitisationRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DisposalBatch" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "recycler" TEXT NOT NULL,
    "certification" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,
    "flaggedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DisposalBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DisposalItem" (
    "batchId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "weightKg" DOUBLE PRECISION,
    "sealNumber" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DisposalItem_pkey" PRIMARY KEY ("batchId","assetId")
);

-- CreateTable
CREATE TABLE "DisposalHandoff" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "fromParty" TEXT NOT NULL,
    "toParty" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "note" TEXT,
    "by" TEXT NOT NULL,

    CONSTRAINT "DisposalHandoff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DisposalCertificate" (
    "batchId" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL,
    "uploadedBy" TEXT NOT NULL,

    CONSTRAINT "DisposalCertificate_pkey" PRIMARY KEY ("batchId")
);

-- CreateIndex
CREATE UNIQUE INDEX "RmaCase_number_key" ON "RmaCase"("number");

-- CreateIndex
CREATE INDEX "RmaCase_status_dueAt_id_idx" ON "RmaCase"("status", "dueAt", "id");

-- CreateIndex
CREATE INDEX "RmaCase_assetId_idx" ON "RmaCase"("assetId");

-- CreateIndex
CREATE INDEX "RmaCase_vendorId_receivedAt_id_idx" ON "RmaCase"("vendorId", "receivedAt", "id");

-- CreateIndex
CREATE INDEX "RmaCase_receivedAt_id_idx" ON "RmaCase"("receivedAt", "id");

-- CreateIndex
CREATE INDEX "RmaCase_openedAt_id_idx" ON "RmaCase"("openedAt", "id");

-- CreateIndex
CREATE INDEX "SanitisationRecord_hostAssetId_deviceSerial_idx" ON "SanitisationRecord"("hostAssetId", "deviceSerial");

-- CreateIndex
CREATE INDEX "SanitisationRecord_deviceSerial_idx" ON "SanitisationRecord"("deviceSerial");

-- CreateIndex
CREATE UNIQUE INDEX "DisposalBatch_number_key" ON "DisposalBatch"("number");

-- CreateIndex
CREATE INDEX "DisposalBatch_status_createdAt_idx" ON "DisposalBatch"("status", "createdAt");

-- CreateIndex
CREATE INDEX "DisposalItem_assetId_idx" ON "DisposalItem"("assetId");

-- CreateIndex
CREATE INDEX "DisposalHandoff_batchId_at_idx" ON "DisposalHandoff"("batchId", "at");
