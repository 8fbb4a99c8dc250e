/**
 * updateRemoteUserUID (Linux): the remote user's UID and GID in the image made equal to this
 * machine's user, so that what the user and the container write in the bind-mounted folder belongs
 * to both. A small layer on the image (the runtime's own build; Docker's cache makes a second one
 * free) whose script edits /etc/passwd and /etc/group with awk and gives the user's home the new
 * ids. Not done as root on this machine (uid 0: nothing to match), for a root or numeric remote
 * user, on Apple Containers (its VM maps files itself), or when the config sets it false. The
 * script says why it leaves the ids as they are (the UID taken by another user, no awk, an unknown
 * user); names and ids reach it as build arguments, never as program text.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevcontainerConfig } from '../detection/types';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime } from '../runtime/types';
import { step } from './cancel';
import type { WorkspaceProgress } from './types';

/** This machine's user, as the container should see it. */
export interface HostIds {
  uid: number;
  gid: number;
}

/** The ids of this process's user on Linux; undefined elsewhere (no UID to match). */
export function hostIdsOf(platform: NodeJS.Platform = process.platform): HostIds | undefined {
  if (platform !== 'linux' || !process.getuid || !process.getgid) return undefined;
  return { uid: process.getuid(), gid: process.getgid() };
}

const SCRIPT = `#!/bin/sh
# Container Workspaces: updateRemoteUserUID. The user and ids come as build arguments.
set -e
U="$CWS_REMOTE_USER"
command -v awk >/dev/null 2>&1 || { echo "cws: the image has no awk; the UID of $U is left as it is"; exit 0; }
line=$(awk -F: -v u="$U" '$1 == u { print; exit }' /etc/passwd)
[ -n "$line" ] || { echo "cws: $U is not in /etc/passwd; its UID is left as it is"; exit 0; }
old_uid=$(printf '%s' "$line" | awk -F: '{ print $3 }')
old_gid=$(printf '%s' "$line" | awk -F: '{ print $4 }')
home=$(printf '%s' "$line" | awk -F: '{ print $6 }')
if [ "$old_uid" = "$CWS_NEW_UID" ] && [ "$old_gid" = "$CWS_NEW_GID" ]; then
  echo "cws: $U has UID $CWS_NEW_UID and GID $CWS_NEW_GID already"; exit 0
fi
if awk -F: -v u="$U" -v id="$CWS_NEW_UID" '$3 == id && $1 != u { f = 1 } END { exit !f }' /etc/passwd; then
  echo "cws: UID $CWS_NEW_UID belongs to another user in the image; $U keeps $old_uid"; exit 0
fi
# The new GID: a group that has it already (the user joins it), else the user's own group (named
# after it, not root's) renumbered; otherwise the user keeps its group.
gid="$old_gid"
if awk -F: -v g="$CWS_NEW_GID" '$3 == g { f = 1 } END { exit !f }' /etc/group; then
  gid="$CWS_NEW_GID"
elif [ "$old_gid" != 0 ] \\
  && awk -F: -v u="$U" -v old="$old_gid" '$1 == u && $3 == old { f = 1 } END { exit !f }' /etc/group; then
  awk -F: -v OFS=: -v u="$U" -v g="$CWS_NEW_GID" '$1 == u { $3 = g } { print }' /etc/group > /tmp/cws-group
  cat /tmp/cws-group > /etc/group && rm -f /tmp/cws-group
  gid="$CWS_NEW_GID"
else
  echo "cws: $U's group $old_gid is shared; it keeps it"
fi
awk -F: -v OFS=: -v u="$U" -v id="$CWS_NEW_UID" -v g="$gid" '$1 == u { $3 = id; $4 = g } { print }' \\
  /etc/passwd > /tmp/cws-passwd
cat /tmp/cws-passwd > /etc/passwd && rm -f /tmp/cws-passwd
# Only a home of its own: an absolute path the user owned (never /, /usr, another's folder).
case "$home" in
  /?*) owner=$(ls -nd "$home" 2>/dev/null | awk '{ print $3 }')
       if [ -d "$home" ] && [ "$owner" = "$old_uid" ]; then chown -R "$CWS_NEW_UID:$gid" "$home"; fi ;;
esac
echo "cws: $U now has UID $CWS_NEW_UID and GID $gid"
`;

const DOCKERFILE = `# Container Workspaces: updateRemoteUserUID layer
ARG CWS_BASE_IMAGE
FROM $CWS_BASE_IMAGE
USER root
ARG CWS_REMOTE_USER
ARG CWS_NEW_UID
ARG CWS_NEW_GID
COPY update-uid.sh /tmp/cws-update-uid.sh
RUN CWS_REMOTE_USER="$CWS_REMOTE_USER" CWS_NEW_UID="$CWS_NEW_UID" CWS_NEW_GID="$CWS_NEW_GID" \\
    sh /tmp/cws-update-uid.sh && rm -f /tmp/cws-update-uid.sh
ARG CWS_IMAGE_USER=root
USER $CWS_IMAGE_USER
`;

/** The user whose ids are updated: remoteUser, else containerUser, else the image's; none for root or a number. */
function userToUpdate(dc: DevcontainerConfig, imageUser: string): string | undefined {
  const user = dc.remoteUser || dc.containerUser || imageUser;
  const name = user.split(':')[0];
  if (!name || name === 'root' || /^\d+$/.test(name)) return undefined;
  return name;
}

/**
 * The image to create the container from: `image` with the remote user's ids updated, or `image`
 * itself when nothing is to be done.
 */
export async function prepareUidImage(
  rt: ContainerRuntime,
  dc: DevcontainerConfig,
  image: string,
  o: {
    host: HostIds | undefined;
    /** The container user runArgs' --user names (after remoteUser and containerUser). */
    runArgsUser?: string;
    /** Podman is rootless (default: this process is not root). */
    rootless?: boolean;
    folder: string;
    onProgress?: (p: WorkspaceProgress) => void;
    signal?: AbortSignal;
  },
): Promise<string> {
  if (!o.host || o.host.uid === 0 || dc.updateRemoteUserUID === false || rt.id === 'apple') return image;
  // Podman run by a user who is not root is rootless: the container's ids map to subordinate ids
  // of this user, so giving the container user this UID would not make the files theirs.
  if (rt.id === 'podman' && (o.rootless ?? process.getuid?.() !== 0)) return image;
  const imageUser = (await step(o.signal, () => rt.imageUser?.(image, o.signal) ?? Promise.resolve(''))) || 'root';
  const user = userToUpdate(dc, o.runArgsUser || imageUser);
  if (!user) return image;
  const key = createHash('sha256').update(`${image}\n${user}`).digest('hex').slice(0, 16);
  const tag = `${rt.id === 'podman' ? 'localhost/' : ''}cws-uid-${key}:${o.host.uid}-${o.host.gid}`;
  const context = await mkdtemp(join(tmpdir(), 'cws-uid-'));
  try {
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(context, 'update-uid.sh'), SCRIPT, { mode: 0o644 });
    o.onProgress?.({ message: `Giving ${user} in the container UID ${o.host.uid} and GID ${o.host.gid}…` });
    await step(o.signal, () =>
      rt.buildImage(
        {
          context,
          dockerfile: 'Dockerfile',
          tag,
          buildArgs: {
            CWS_BASE_IMAGE: image,
            CWS_REMOTE_USER: user,
            CWS_NEW_UID: String(o.host!.uid),
            CWS_NEW_GID: String(o.host!.gid),
            CWS_IMAGE_USER: imageUser,
          },
          labels: { [LABELS.workspace]: o.folder },
          signal: o.signal,
        },
        (p) => p.message && /^cws: /.test(p.message.trim()) && o.onProgress?.({ message: p.message.trim() }),
      ),
    ).catch((err: unknown) => {
      if (err instanceof RuntimeError && err.code === 'cancelled') throw err;
      const e = err instanceof RuntimeError ? err : undefined;
      throw new RuntimeError(
        e?.code ?? 'internal',
        `Updating the UID of ${user} (updateRemoteUserUID) failed: ${e?.message ?? String(err)}`,
        'Set "updateRemoteUserUID": false in devcontainer.json to skip it.',
        { cause: err },
      );
    });
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true }).catch(() => undefined);
  }
}
