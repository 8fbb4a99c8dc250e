/** `uname -m` → the VS Code CLI build's architecture name. */
function cliArch(machine: string | undefined): string {
  switch (machine?.trim()) {
    case 'aarch64':
    case 'arm64':
      return 'arm64';
    case 'armv7l':
    case 'armv8l':
    case 'armhf':
      return 'armhf';
    default:
      return 'x64';
  }
}

/** The download address of the stand-alone VS Code CLI (static, runs on any Linux distribution). */
export function cliDownloadUrl(machine?: string): string {
  return `https://code.visualstudio.com/sha/download?build=stable&os=cli-alpine-${cliArch(machine)}`;
}

/** How to put `code` into an image: shown when a container has none. Nothing is downloaded for the user. */
export function noCodeHint(machine?: string): string {
  return (
    'Add the VS Code CLI to the image, e.g. in its Dockerfile: ' +
    `RUN curl -fsSL '${cliDownloadUrl(machine)}' | tar -xz -C /usr/local/bin ` +
    '(one `code` binary; any directory on PATH will do), then rebuild the container.'
  );
}
