// The archive kinds Dioptra's upload forms accept, judged by the file name only (as flask-wtf's FileAllowed):
// the lower-cased name must end with one of these extensions.
export const ARCHIVE_EXTENSIONS = ['tar', 'tgz', 'bz2', 'gz', 'xz', 'zip'] as const;

export const hasArchiveExtension = (fileName: string): boolean => {
  const lower = fileName.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((extension) => lower.endsWith(`.${extension}`));
};
