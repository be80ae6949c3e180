-- AlterTable
ALTER TABLE "dioptra_experiment" ADD COLUMN     "created_by" TEXT;

-- AlterTable
ALTER TABLE "dioptra_queue" ADD COLUMN     "created_by" TEXT;
