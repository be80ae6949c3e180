// PLynx prints times the way Python's str(datetime) does: `2019-11-07 21:04:42.123456` (UTC, a space, six
// fractional digits, no zone). JavaScript dates carry milliseconds, so the last three digits are zeros.

/** `date` as PLynx writes it on the wire. */
export function formatPlynxDate(date: Date): string {
  const iso = date.toISOString(); // 2019-11-07T21:04:42.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}
