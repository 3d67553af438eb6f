-- CreateTable
CREATE TABLE "SatTemplate" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "modelId" TEXT,
    "items" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "SatTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SatRun" (
    "id" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "rackId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "startedBy" TEXT NOT NULL,
    "reason" TEXT,
    "previousRunId" TEXT,
    "finishedAt" TIMESTAMP(3),
    "finishedBy" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SatRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SatRunAsset" (
    "runId" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,

    CONSTRAINT "SatRunAsset_pkey" PRIMARY KEY ("runId","assetId")
);

-- CreateTable
CREATE TABLE "SatResult" (
    "runId" TEXT NOT NULL,
    "itemKey" TEXT NOT NULL,
    "yes" BOOLEAN,
    "measured" DOUBLE PRECISION,
    "text" TEXT,
    "pass" BOOLEAN NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "recordedBy" TEXT NOT NULL,

    CONSTRAINT "SatResult_pkey" PRIMARY KEY ("runId","itemKey")
);

-- CreateTable
CREATE TABLE "SatKpiCursor" (
    "id" TEXT NOT NULL,
    "chainSeq" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SatKpiCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SatAssetFact" (
    "assetId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "receivedMonth" TEXT NOT NULL,
    "lastReceivedAt" TIMESTAMP(3) NOT NULL,
    "doa" BOOLEAN NOT NULL DEFAULT false,
    "doaAt" TIMESTAMP(3),
    "doaEventId" TEXT,

    CONSTRAINT "SatAssetFact_pkey" PRIMARY KEY ("assetId")
);

-- CreateTable
CREATE TABLE "SatDoaMonth" (
    "month" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "received" INTEGER NOT NULL DEFAULT 0,
    "doa" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SatDoaMonth_pkey" PRIMARY KEY ("month","vendorId","modelId")
);

-- CreateTable
CREATE TABLE "SatInstall" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "passedAt" TIMESTAMP(3) NOT NULL,
    "days" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "SatInstall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SatInstallMonth" (
    "month" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "days" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SatInstallMonth_pkey" PRIMARY KEY ("month","siteId","days")
);

-- CreateIndex
CREATE INDEX "SatTemplate_modelId_idx" ON "SatTemplate"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "SatTemplate_name_version_key" ON "SatTemplate"("name", "version");

-- CreateIndex
CREATE INDEX "SatRun_status_startedAt_idx" ON "SatRun"("status", "startedAt");

-- CreateIndex
CREATE INDEX "SatRunAsset_assetId_idx" ON "SatRunAsset"("assetId");

-- CreateIndex
CREATE INDEX "SatAssetFact_doa_receivedMonth_idx" ON "SatAssetFact"("doa", "receivedMonth");

-- CreateIndex
CREATE INDEX "SatInstall_passedAt_idx" ON "SatInstall"("passedAt");

-- CreateIndex
CREATE INDEX "SatInstall_siteId_passedAt_idx" ON "SatInstall"("siteId", "passedAt");

-- AddForeignKey
ALTER TABLE "SatRun" ADD CONSTRAINT "SatRun_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "SatTemplate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SatRunAsset" ADD CONSTRAINT "SatRunAsset_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SatRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SatResult" ADD CONSTRAINT "SatResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SatRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
