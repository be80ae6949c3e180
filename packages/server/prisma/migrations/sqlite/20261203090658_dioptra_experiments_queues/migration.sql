-- CreateTable
CREATE TABLE "dioptra_experiment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "live_name" TEXT,
    "is_deleted" BOOLEAN NOT NULL DEFAULT false,
    "created_on" DATETIME NOT NULL,
    "last_modified" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "dioptra_queue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "live_name" TEXT,
    "is_deleted" BOOLEAN NOT NULL DEFAULT false,
    "created_on" DATETIME NOT NULL,
    "last_modified" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "dioptra_queue_lock" (
    "queue_id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "created_on" DATETIME NOT NULL,
    CONSTRAINT "dioptra_queue_lock_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "dioptra_queue" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "dioptra_experiment_live_name_key" ON "dioptra_experiment"("live_name");

-- CreateIndex
CREATE UNIQUE INDEX "dioptra_queue_live_name_key" ON "dioptra_queue"("live_name");
