-- AlterTable
ALTER TABLE "identity_token" ADD COLUMN     "expires_at" TIMESTAMP(3),
ADD COLUMN     "revoked_at" TIMESTAMP(3);
