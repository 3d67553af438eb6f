-- CreateTable
CREATE TABLE "PurchaseOrderSavingsMonth" (
    "vendorId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "budgetBase" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "budgetAwarded" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "budgetLines" INTEGER NOT NULL DEFAULT 0,
    "firstBase" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "firstAwarded" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "firstLines" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PurchaseOrderSavingsMonth_pkey" PRIMARY KEY ("vendorId","month")
);
