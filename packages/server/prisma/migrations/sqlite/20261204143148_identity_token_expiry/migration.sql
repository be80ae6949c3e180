-- AlterTable
ALTER TABLE "identity_token" ADD COLUMN "expires_at" DATETIME;
ALTER TABLE "identity_token" ADD COLUMN "revoked_at" DATETIME;
