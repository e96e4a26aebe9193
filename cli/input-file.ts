// Files named on the command line: resolved against the shell's working directory (npm runs
// scripts from the project root and says where the user was in INIT_CWD), and a file that cannot
// be read is one line naming it, not a stack trace.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export class InputFileError extends Error {
  override name = 'InputFileError';
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

export function resolveInputPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD ?? process.cwd(), path);
}

export async function readInputFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const absolute = resolveInputPath(path, env);
  try {
    return await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (error as Error).message;
    throw new InputFileError(`cannot read ${path}${absolute === path ? '' : ` (${absolute})`}: ${reason}`);
  }
}
