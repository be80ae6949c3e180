// The two small rules a Dioptra job submission borrows from upstream's libraries: werkzeug's secure_filename
// for the stored archive's name, and the time limit read from the prefix upstream's form accepts.
import { describe, expect, it } from 'vitest';
import { secureFilename } from '../../packages/server/src/dioptra/jobs/secure-filename.ts';
import { DEFAULT_TIMEOUT_SECONDS, timeoutSeconds } from '../../packages/server/src/dioptra/jobs/job-timeout.ts';

describe('secureFilename (werkzeug rules)', () => {
  it.each([
    ['My cool movie.mov', 'My_cool_movie.mov'],
    ['../../../etc/passwd', 'etc_passwd'],
    ['i contain cool \xfcml\xe4uts.txt', 'i_contain_cool_umlauts.txt'],
    ['workflows.tar.gz', 'workflows.tar.gz'],
    ['  .hidden archive.tgz ', 'hidden_archive.tgz'],
    ['back\\slash.zip', 'backslash.zip'],
    ['tabs\tand\nlines.tar', 'tabs_and_lines.tar'],
    ['__init__.py', 'init__.py'],
    ['日本語.tar', 'tar'],
  ])('%j becomes %j', (name, safe) => {
    expect(secureFilename(name)).toBe(safe);
  });
});

describe('timeoutSeconds', () => {
  it.each([
    ['90s', 90], ['30m', 1800], ['12h', 43_200], ['1d', 86_400], ['12hours', 43_200], ['007m', 420],
  ])('%s is %i seconds', (text, seconds) => {
    expect(timeoutSeconds(text)).toBe(seconds);
  });

  it.each(['', '12', 'h', 'soon', '1.5h', ' 1h', '0s', '99999999999999999999d'])('%j is not a limit', (text) => {
    expect(timeoutSeconds(text)).toBeNull();
  });

  it('defaults to 24 hours, as RQ on Dioptra\'s queues', () => {
    expect(DEFAULT_TIMEOUT_SECONDS).toBe(86_400);
  });
});
