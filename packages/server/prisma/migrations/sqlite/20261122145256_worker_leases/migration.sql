-- AlterTable
ALTER TABLE "ComputeNode" ADD COLUMN "last_seen" REAL;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN "claimed_at" REAL;
