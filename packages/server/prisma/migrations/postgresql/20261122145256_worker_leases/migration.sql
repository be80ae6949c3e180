-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "claimed_at" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "ComputeNode" ADD COLUMN     "last_seen" DOUBLE PRECISION;
