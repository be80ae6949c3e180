// Lists the entry names of a zip archive by reading only its end: the end-of-central-directory record
// (and its zip64 form) and the central directory. Every length and offset read from the file is checked
// against the file's size and against fixed caps before it is used, so a damaged or hostile archive gives
// a ZipListingError, never a huge allocation or a read outside the file.

/** Reads `length` bytes at `start` (fewer only at the end of the file). */
export type RangeReader = (start: number, length: number) => Promise<Buffer>;

export class ZipListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipListingError';
  }
}

export interface ZipListing {
  names: string[];
  /** Entries past `maxEntries` that were not listed. */
  omitted: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const ENTRY_SIGNATURE = 0x02014b50;
const ENTRY_SIZE = 46;
const MAX_COMMENT = 0xffff;
/** The central directory is read whole; refuse to read more than this. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

/** The names of the entries of the zip archive of `size` bytes that `read` reads, in directory order. */
export async function listZipEntries(read: RangeReader, size: number, { maxEntries = 10_000 } = {}): Promise<ZipListing> {
  if (size < EOCD_SIZE) throw new ZipListingError('the file is too short to be a zip archive');
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
  const tail = await read(tailStart, size - tailStart);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipListingError('no end of central directory record: not a zip archive');
  let entries = tail.readUInt16LE(at + 10);
  let directorySize = tail.readUInt32LE(at + 12);
  let directoryOffset = tail.readUInt32LE(at + 16);

  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const eocdOffset = tailStart + at;
    if (eocdOffset < ZIP64_LOCATOR_SIZE) throw new ZipListingError('the zip64 locator is missing');
    const locator = await read(eocdOffset - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
    if (locator.length < ZIP64_LOCATOR_SIZE || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipListingError('the zip64 locator is missing');
    const recordOffset = safeNumber(locator.readBigUInt64LE(8));
    if (recordOffset + ZIP64_EOCD_SIZE > size) throw new ZipListingError('the zip64 record lies outside the file');
    const record = await read(recordOffset, ZIP64_EOCD_SIZE);
    if (record.length < ZIP64_EOCD_SIZE || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipListingError('the zip64 record is damaged');
    entries = safeNumber(record.readBigUInt64LE(32));
    directorySize = safeNumber(record.readBigUInt64LE(40));
    directoryOffset = safeNumber(record.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > size) throw new ZipListingError('the central directory lies outside the file');
  if (directorySize > MAX_DIRECTORY_BYTES) throw new ZipListingError('the central directory is too large to list');

  const directory = await read(directoryOffset, directorySize);
  if (directory.length < directorySize) throw new ZipListingError('the central directory is cut short');
  const names: string[] = [];
  let pos = 0;
  let seen = 0;
  while (seen < entries) {
    if (pos + ENTRY_SIZE > directory.length || directory.readUInt32LE(pos) !== ENTRY_SIGNATURE) throw new ZipListingError('the central directory is damaged');
    const flags = directory.readUInt16LE(pos + 8);
    const nameLength = directory.readUInt16LE(pos + 28);
    const extraLength = directory.readUInt16LE(pos + 30);
    const commentLength = directory.readUInt16LE(pos + 32);
    const next = pos + ENTRY_SIZE + nameLength + extraLength + commentLength;
    if (next > directory.length) throw new ZipListingError('the central directory is damaged');
    if (names.length < maxEntries) {
      const raw = directory.subarray(pos + ENTRY_SIZE, pos + ENTRY_SIZE + nameLength);
      names.push(entryName(raw, (flags & 0x0800) !== 0));
    }
    seen++;
    pos = next;
  }
  return { names, omitted: seen - names.length };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bit 11 marks UTF-8 names. Without it the format says code page 437, but many tools write UTF-8 all the
 * same; names that decode as UTF-8 are taken as such, the rest byte by byte (ASCII reads the same anyway).
 */
function entryName(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  try {
    return strictUtf8.decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipListingError('a zip64 field is out of range');
  return Number(value);
}
