// The API token `npm start` hands its operator: created on the first run with the trade scope,
// printed, and saved to a file only the user can read; later runs reuse it while it is valid.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { TokenNameTakenError, type ApiTokens } from '../db/api-tokens.ts';

export interface StartToken {
  token: string;
  file: string;
  /** True when this run made it (the operator has not seen it yet). */
  created: boolean;
}

async function savedToken(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function ensureStartToken(tokens: ApiTokens, file: string): Promise<StartToken> {
  const saved = await savedToken(file);
  if (saved && (await tokens.verify(saved))) return { token: saved, file, created: false };
  const token = await createNumbered(tokens, 'npm-start');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { token, file, created: true };
}

/** Token names are never reused (a revoked token keeps its name): npm-start, npm-start-2, … */
async function createNumbered(tokens: ApiTokens, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    try {
      return (await tokens.create(n === 1 ? base : `${base}-${n}`, 'trade')).token;
    } catch (error) {
      if (!(error instanceof TokenNameTakenError)) throw error;
    }
  }
}
