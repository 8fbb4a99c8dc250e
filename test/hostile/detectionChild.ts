// Run by detection.test.ts in a child process with a low file-handle limit (`ulimit -n`): fills
// the table up to a few free handles (or none), detects the folder given as argv[2] and prints a
// summary as one JSON line. Not a test file itself.
import { closeSync, openSync } from 'node:fs';
import { detectDirectory } from '../../src/core/detection/detect';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const headroom = Number(process.argv[3] ?? '0');
  const held: number[] = [];
  for (;;) {
    try {
      held.push(openSync('/dev/null', 'r'));
    } catch {
      break;
    }
  }
  // Leave `headroom` handles free: detection then runs out of them part of the way.
  for (let i = 0; i < headroom && held.length; i++) closeSync(held.pop()!);
  const t0 = Date.now();
  const c = await detectDirectory(dir, { env: {} });
  process.stdout.write(
    `${JSON.stringify({
      ms: Date.now() - t0,
      held: held.length,
      dockerfiles: c.dockerfiles.map((d) => d.path),
      diagnostics: c.diagnostics.map((d) => ({ file: d.file, message: d.message })),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ crash: String((err as Error)?.stack ?? err) })}\n`);
  process.exitCode = 1;
});
