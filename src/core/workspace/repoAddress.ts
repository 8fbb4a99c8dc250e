/** A repository's address as a row or a tooltip shows it: no scheme, no user name, no ".git". */
export function shortRepoAddress(url: string): string {
  return url
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/^[^/@]*@/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
}
