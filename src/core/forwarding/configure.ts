/**
 * The container's side of the forwarding, set up at create and at each start (both idempotent):
 * its system git config includes the forwarding folder's gitconfig and names our credential helper
 * (with the token); the remote user's gpg finds the forwarded agent (an Assuan redirect file where
 * its agent socket would be) and has the public keys. Fixed scripts, our values as arguments: no
 * shell text is built from a name or a path. What the container lacks (git, gpg) is a note.
 */
import type { ContainerRuntime } from '../runtime/types';
import { inContainer } from './forwardDir';
import { FORWARD_FILES, FORWARD_MOUNT } from './types';

/** As root: $1 the include file, $2 the helper ("" to take ours out), $3 its token. */
const GIT_SCRIPT = `command -v git >/dev/null 2>&1 || { echo cws-no-git; exit 0; }
git config --system --replace-all include.path "$1" "^$1\\$" || exit 3
if [ -n "$2" ]; then
  git config --system --replace-all credential.helper "$2 $3" "^$2 " || exit 3
else
  git config --system --unset-all credential.helper "^${FORWARD_MOUNT}/" >/dev/null 2>&1
fi
exit 0`;

/** As the remote user: $1 the forwarded agent socket, $2 the public keys to import. */
const GPG_SCRIPT = `command -v gpg >/dev/null 2>&1 || { echo cws-no-gpg; exit 0; }
sock=$(gpgconf --list-dirs agent-socket 2>/dev/null)
[ -n "$sock" ] || sock="$HOME/.gnupg/S.gpg-agent"
dir=\${sock%/*}
mkdir -p "$dir" && chmod 700 "$dir" || exit 4
gpgconf --kill gpg-agent >/dev/null 2>&1
rm -f "$sock" && printf '%%Assuan%%\\nsocket=%s\\n' "$1" > "$sock" || exit 4
[ ! -s "$2" ] || gpg --batch --quiet --import "$2" >/dev/null 2>&1 || exit 5
exit 0`;

export interface ConfigureOptions {
  token: string;
  credentials: boolean;
  gpg: boolean;
  /** The remote user (gpg's home); default: the container's user. */
  user?: string;
  signal?: AbortSignal;
}

/** Sets the container up; resolves with notes for what could not be. */
export async function configureContainer(
  rt: Pick<ContainerRuntime, 'exec'>,
  id: string,
  o: ConfigureOptions,
): Promise<string[]> {
  const notes: string[] = [];
  const git = await rt
    .exec(id, {
      cmd: [
        '/bin/sh',
        '-c',
        GIT_SCRIPT,
        'cws-forward',
        inContainer(FORWARD_FILES.gitInclude),
        o.credentials ? inContainer(FORWARD_FILES.gitHelper) : '',
        o.token,
      ],
      user: '0',
      signal: o.signal,
    })
    .catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
  if (git.stdout.includes('cws-no-git'))
    notes.push('git is not installed in the container: its identity and credentials apply once it is.');
  else if (git.exitCode !== 0)
    notes.push(`the container's git config could not be set (exit code ${git.exitCode}); /etc may be read-only.`);
  if (!o.gpg) return notes;
  const gpg = await rt
    .exec(id, {
      cmd: [
        '/bin/sh',
        '-c',
        GPG_SCRIPT,
        'cws-forward',
        inContainer(FORWARD_FILES.gpgSocket),
        inContainer(FORWARD_FILES.gpgKeys),
      ],
      ...(o.user ? { user: o.user } : {}),
      signal: o.signal,
    })
    .catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
  if (gpg.stdout.includes('cws-no-gpg'))
    notes.push('gpg is not installed in the container: signing works once it is (and the container is started again).');
  else if (gpg.exitCode !== 0) notes.push(`gpg in the container could not be set up (exit code ${gpg.exitCode}).`);
  return notes;
}
