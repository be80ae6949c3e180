// Which job ids name a run Pipeloom knows. This is Flow's one read of other families' tables, read-only and
// limited to existence: Flow assigns pipelines to runs that Torc, PLynx and Dioptra own, and none of them
// exposes a lookup for it. Accepted forms: a Torc workflow key (decimal digits) of an existing workflow, a
// PLynx graph id (24 hexadecimal digits) of a graph that has been run, and a Dioptra job id (a lowercase UUID
// with hyphens, the form Dioptra answers with) of a submitted job.
import { sql, type Row, type SqlClient } from '../../db/sql.ts';

const TORC_KEY = /^[1-9][0-9]{0,14}$/;
const PLYNX_GRAPH_ID = /^[0-9a-f]{24}$/;
const DIOPTRA_JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function jobDirectory(db: SqlClient) {
  return {
    async exists(jobId: string): Promise<boolean> {
      let rows: Row[] = [];
      if (TORC_KEY.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT id FROM torc_workflow WHERE id = ${Number(jobId)}`);
      else if (PLYNX_GRAPH_ID.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT graph_id FROM plynx_run WHERE graph_id = ${jobId}`);
      else if (DIOPTRA_JOB_ID.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT job_id FROM dioptra_job WHERE job_id = ${jobId}`);
      return rows.length > 0;
    },
  };
}

export type JobDirectory = ReturnType<typeof jobDirectory>;
