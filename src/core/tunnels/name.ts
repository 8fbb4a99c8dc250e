/** The longest tunnel name the VS Code tunnel service takes. */
export const TUNNEL_NAME_MAX = 20;
export const FALLBACK_TUNNEL_NAME = 'cws-tunnel';

/**
 * A valid `code tunnel --name`: lowercase, [a-z0-9_-] only, at most 20 characters, never empty.
 * Accents are dropped ("ü" → "u"), every other run of characters becomes one "-", and dashes or
 * underscores at either end are trimmed: "My Project_ü!" → "my-project_u". Idempotent.
 */
export function tunnelName(raw: string): string {
  const name = raw
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, TUNNEL_NAME_MAX)
    .replace(/[-_]+$/, '');
  return name || FALLBACK_TUNNEL_NAME;
}
