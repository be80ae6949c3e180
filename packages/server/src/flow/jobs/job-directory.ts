// Which job ids name a run Pipeloom knows, and whose run it is. This is Flow's one read of other families'
// tables, read-only and limited to existence and owner: Flow assigns pipelines to runs that Torc, PLynx and
// Dioptra own, and none of them exposes a lookup for it. Accepted forms: a Torc workflow key (decimal digits) of an existing workflow, a
// PLynx graph id (24 hexadecimal digits) of a graph that has been run, and a Dioptra job id (a lowercase UUID
// with hyphens, the form Dioptra answers with) of a submitted job.
import { sql, type Row, type SqlClient } from '../../db/sql.ts';

const TORC_KEY = /^[1-9][0-9]{0,14}$/;
const PLYNX_GRAPH_ID = /^[0-9a-f]{24}$/;
const DIOPTRA_JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function jobDirectory(db: SqlClient) {
  return {
    /** The user the job's run belongs to (its workflow's creator, its graph's author, its submitter); null when there is no such job. */
    async ownerOf(jobId: string): Promise<string | null> {
      let rows: Row[] = [];
      if (TORC_KEY.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT COALESCE(creator, user_name) AS owner FROM torc_workflow WHERE id = ${Number(jobId)}`);
      else if (PLYNX_GRAPH_ID.test(jobId)) {
        rows = await db.$queryRaw<Row[]>(sql`SELECT COALESCE(g.author_name, '') AS owner FROM plynx_run r JOIN plynx_graph g ON g.id = r.graph_id WHERE r.graph_id = ${jobId}`);
      } else if (DIOPTRA_JOB_ID.test(jobId)) rows = await db.$queryRaw<Row[]>(sql`SELECT submitted_by AS owner FROM dioptra_job WHERE job_id = ${jobId}`);
      return rows.length ? String(rows[0]!.owner) : null;
    },
  };
}

export type JobDirectory = ReturnType<typeof jobDirectory>;
