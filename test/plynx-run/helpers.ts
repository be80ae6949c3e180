// Shared pieces of the PLynx runner tests: nodes built like PLynx's templates, an in-memory resource
// store, hand-made zip archives (including malicious ones no zip library would write), and a check for
// processes left behind.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { PlynxNode } from '../../packages/sdk/src/plynx-graph/types.ts';
import type { PlynxRunIo } from '../../packages/sdk/src/plynx-run/index.ts';

export interface NodeSpec {
  kind?: 'bash_jinja2' | 'python';
  cmd: string;
  inputs?: { name: string; fileTypes?: string[]; resourceIds: string[]; minCount?: number; maxCount?: number }[];
  outputs?: { name: string; fileType?: string }[];
  timeoutMinutes?: number;
  parameters?: PlynxNode['parameters'];
}

/** A bash_jinja2 or python operation as PLynx's template makes it, with the given script and resources. */
export function operation(spec: NodeSpec): PlynxNode {
  const kind = spec.kind ?? 'bash_jinja2';
  return {
    _id: '5d30000000000000000000b1',
    title: 'Op',
    description: 'test',
    base_node_name: kind,
    inputs: (spec.inputs ?? []).map((input) => ({
      name: input.name,
      file_types: input.fileTypes ?? ['file'],
      values: input.resourceIds.map((id) => ({ node_id: '5d30000000000000000000a1', output_id: 'out', resource_id: id })),
      min_count: input.minCount ?? 1,
      max_count: input.maxCount ?? -1,
    })),
    outputs: (spec.outputs ?? []).map((output) => ({ name: output.name, file_type: output.fileType ?? 'file', resource_id: null })),
    parameters: [
      { name: 'cmd', parameter_type: 'code', value: { value: spec.cmd, mode: kind === 'python' ? 'python' : 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
      { name: 'cacheable', parameter_type: 'bool', value: true, mutable_type: false, removable: false, publicable: false, widget: null },
      { name: '_timeout', parameter_type: 'int', value: spec.timeoutMinutes ?? 600, mutable_type: false, removable: false, publicable: true, widget: null },
      ...(spec.parameters ?? []),
    ],
    logs: ['stderr', 'stdout', 'worker'].map((name) => ({ name, file_type: 'file', resource_id: null })),
    node_running_status: 'CREATED',
    node_status: 'READY',
  };
}

/** A resource store in memory, with the io facade the runner uses; `failUploads` makes uploads throw. */
export class MemoryStore {
  readonly resources = new Map<string, Buffer>();
  failUploads = 0;
  uploadCalls = 0;
  readonly logNames: string[] = [];

  put(bytes: Buffer | string): string {
    const id = randomUUID();
    this.resources.set(id, Buffer.from(bytes));
    return id;
  }

  text(id: string | undefined): string {
    const bytes = id === undefined ? undefined : this.resources.get(id);
    if (!bytes) throw new Error(`no resource ${id}`);
    return bytes.toString('utf8');
  }

  get io(): PlynxRunIo {
    return {
      download: async (id, toPath) => {
        const bytes = this.resources.get(id);
        if (!bytes) throw new Error(`resource ${id} not found`);
        await fs.promises.writeFile(toPath, bytes);
      },
      upload: async (fromPath) => {
        this.uploadCalls += 1;
        if (this.failUploads > 0) {
          this.failUploads -= 1;
          throw new Error('store unavailable');
        }
        return this.put(await fs.promises.readFile(fromPath));
      },
      uploadLog: async (name, fromPath) => {
        this.logNames.push(name);
        return this.put(await fs.promises.readFile(fromPath));
      },
    };
  }
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'plynx-run-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RawZipEntry {
  name: string;
  data?: string;
  /** Unix mode including the file type bits, e.g. 0o100644 or 0o120777 for a link. */
  mode?: number;
}

/** A zip archive (stored, no compression) with exactly the given names: zip libraries refuse to write bad ones. */
export function rawZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.data ?? '', 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

/** Processes of process group `pgid` that are still alive (zombies waiting to be reaped do not count). */
export function liveGroupMembers(pgid: number): number[] {
  const alive: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name: state, ppid, pgrp, ...
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === pgid && state !== 'Z') alive.push(Number(entry));
  }
  return alive;
}

/** Whether process `pid` is alive (not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
