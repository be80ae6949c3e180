// werkzeug's `secure_filename`, which Dioptra applies to the uploaded archive's name before storing it: ASCII
// only, whitespace runs to `_`, path separators dropped, and nothing but letters, digits, `_`, `.` and `-`
// kept, without leading or trailing dots and underscores (so `../../x.tar.gz` becomes `x.tar.gz`).

/** Python's `str.split()` whitespace, restricted to ASCII (only ASCII is left when it runs). */
const WHITESPACE = /[\t\n\v\f\r \x1c-\x1f]+/;

export function secureFilename(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  // POSIX `os.sep` is turned into a space first (and so into `_`); a backslash is simply dropped below.
  const words = ascii.replaceAll('/', ' ').split(WHITESPACE).filter(Boolean);
  return words.join('_').replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[._]+|[._]+$/g, '');
}
