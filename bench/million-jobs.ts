// Issue 15's memory target: the server's resident memory after creating, initializing and listing (every
// page) a 1,000,000-job workflow stays at or under 300 MB, because list pages stream. Each phase's own
// peak is taken by resetting the kernel's high-water mark (clear_refs 5) before it, so a peak above the goal
// names the phase that made it.
import fs from 'node:fs';
import { fmt, type Child } from './lib.ts';

const GOAL_MB = 300;
/** bulk_jobs takes at most this many jobs per request. */
const BATCH = 10_000;
/** Jobs per list page: the contract's max_limit. */
const PAGE = 100_000;
/** One job in this many is blocked by the job at the same place in the previous batch. */
const EDGE_EVERY = 10;

interface Memory {
  rssMb: number;
  peakMb: number;
}

function memoryOf(pid: number): Memory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Resets the process's peak RSS to its current RSS; false where the kernel does not allow it. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/**
 * Reads one page as a stream, counting its jobs without keeping them: every job document starts with
 * `{"_key":"`, which appears nowhere else in a jobs page. The page's tail gives has_more and total_count.
 */
async function countPage(url: string): Promise<{ items: number; hasMore: boolean; total: number }> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`);
  const marker = '{"_key":"';
  const decoder = new TextDecoder();
  let items = 0;
  let carry = '';
  const reader = res.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const text = carry + decoder.decode(read.value, { stream: true });
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) items++;
    // Keep enough of the end for a marker split across chunks and for the closing fields.
    const last = text.lastIndexOf(marker);
    carry = text.slice(Math.max(text.length - 400, last >= 0 ? last + marker.length : 0, 0));
  }
  const hasMore = /"has_more":(true|false)/.exec(carry)?.[1];
  const total = /"total_count":(\d+)/.exec(carry)?.[1];
  if (hasMore === undefined || total === undefined) throw new Error(`GET ${url}: the page did not end with has_more and total_count`);
  return { items, hasMore: hasMore === 'true', total: Number(total) };
}

export async function benchMillionJobs(server: Child, options: { scale: number }): Promise<void> {
  const n = Math.max(BATCH, Math.round(1_000_000 * options.scale));
  const base = `${server.url}/torc-service`;
  const canReset = resetPeak(server.pid);
  const phases: { name: string; seconds: number; memory: Memory }[] = [];
  const phase = async (name: string, fn: () => Promise<void>) => {
    resetPeak(server.pid);
    const started = performance.now();
    await fn();
    phases.push({ name, seconds: (performance.now() - started) / 1000, memory: memoryOf(server.pid) });
  };
  const atStart = memoryOf(server.pid);

  const workflow = (await post(`${base}/workflows`, { user: 'bench', name: 'million' }) as { _key: string })._key;
  let edges = 0;
  await phase(`create ${fmt(n)} jobs (bulk_jobs, ${fmt(BATCH)} per request)`, async () => {
    let previous: string[] = [];
    for (let start = 0; start < n; start += BATCH) {
      const jobs = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => ({
        name: `j${start + i}`,
        command: `run ${start + i}`,
        ...(i % EDGE_EVERY === 0 && previous[i] ? { blocked_by: [previous[i]!] } : {}),
      }));
      edges += jobs.filter((j) => 'blocked_by' in j).length;
      const { items } = await post(`${base}/workflows/${workflow}/bulk_jobs`, { jobs }) as { items: { _id: string }[] };
      previous = items.map((j) => j._id);
    }
  });
  await phase('initialize_jobs', async () => {
    await post(`${base}/workflows/${workflow}/initialize_jobs`, {});
  });
  let listed = 0;
  await phase(`list every page (limit ${fmt(PAGE)}, read as a stream)`, async () => {
    for (let skip = 0; ; skip += PAGE) {
      const page = await countPage(`${base}/workflows/${workflow}/jobs?skip=${skip}&limit=${PAGE}`);
      listed += page.items;
      if (page.total !== n) throw new Error(`total_count ${page.total}, expected ${n}`);
      if (!page.hasMore) break;
    }
    if (listed !== n) throw new Error(`listed ${listed} jobs, expected ${n}`);
  });

  const now = memoryOf(server.pid);
  const peak = Math.max(atStart.peakMb, ...phases.map((p) => p.memory.peakMb));
  console.log(`${fmt(n)}-job workflow (${fmt(edges)} blocks edges): server RSS, created, initialized and listed`);
  for (const p of phases) {
    const peakText = canReset ? `peak in phase ${fmt(p.memory.peakMb)} MB` : `peak so far ${fmt(p.memory.peakMb)} MB`;
    console.log(`  ${p.name.padEnd(52)} ${fmt(p.seconds, 1).padStart(7)} s   RSS after ${fmt(p.memory.rssMb)} MB   ${peakText}`);
  }
  console.log(`  server RSS now ${fmt(now.rssMb)} MB, peak ${fmt(peak)} MB (at start ${fmt(atStart.rssMb)} MB)   goal <= ${GOAL_MB} MB   ${peak <= GOAL_MB ? 'met' : 'NOT met'}`);
}
