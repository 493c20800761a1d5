import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How a report names a file it points at (SARIF artifactLocation.uri): relative to the working
 * directory with forward slashes, as code scanning wants a path inside the repository; a file
 * outside it keeps an absolute file: URI.
 */
export function artifactUri(fullPath: string, cwd: string): string {
  const rel = relative(cwd, fullPath);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(fullPath).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}
