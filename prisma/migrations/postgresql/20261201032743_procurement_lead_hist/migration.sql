-- CreateTable
CREATE TABLE "PurchaseOrderLeadMonth" (
    "vendorId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "leadDays" DOUBLE PRECISION NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "PurchaseOrderLeadMonth_pkey" PRIMARY KEY ("vendorId","month","leadDays")
);

-- CreateIndex
CREATE INDEX "PurchaseOrderLeadMonth_month_idx" ON "PurchaseOrderLeadMonth"("month");

-- CreateIndex
CREATE INDEX "PurchaseOrderAsset_onTime_poLineId_receivedAt_idx" ON "PurchaseOrderAsset"("onTime", "poLineId", "receivedAt");
