-- CreateTable
CREATE TABLE "dioptra_experiment" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "live_name" TEXT,
    "is_deleted" BOOLEAN NOT NULL DEFAULT false,
    "created_on" TIMESTAMP(3) NOT NULL,
    "last_modified" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dioptra_experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dioptra_queue" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "live_name" TEXT,
    "is_deleted" BOOLEAN NOT NULL DEFAULT false,
    "created_on" TIMESTAMP(3) NOT NULL,
    "last_modified" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dioptra_queue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dioptra_queue_lock" (
    "queue_id" INTEGER NOT NULL,
    "created_on" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dioptra_queue_lock_pkey" PRIMARY KEY ("queue_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dioptra_experiment_live_name_key" ON "dioptra_experiment"("live_name");

-- CreateIndex
CREATE UNIQUE INDEX "dioptra_queue_live_name_key" ON "dioptra_queue"("live_name");

-- AddForeignKey
ALTER TABLE "dioptra_queue_lock" ADD CONSTRAINT "dioptra_queue_lock_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "dioptra_queue"("id") ON DELETE CASCADE ON UPDATE CASCADE;
