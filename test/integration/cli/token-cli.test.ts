// `scalper token …` as an operator runs it, and the token `npm start` creates on its first run.
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureStartToken } from '../../../cli/start-token.ts';
import { ApiTokens } from '../../../db/api-tokens.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;
let tokens: ApiTokens;

beforeAll(async () => {
  db = await createTestDatabase();
  tokens = new ApiTokens(db.orm.em);
});

afterAll(() => db?.drop());

function scalper(...args: string[]) {
  return runScalper(args, { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
}

describe('scalper token', () => {
  it('creates a token shown once, lists it without the secret, revokes it', async () => {
    const created = await scalper('token', 'create', '--name', 'ops', '--scope', 'trade');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [token, note] = created.stdout.trimEnd().split('\n');
    expect(token).toMatch(/^se_\d+_[A-Za-z0-9_-]{43}$/);
    expect(note).toBe('token ops (trade) created; it is shown only now: keep it');
    await expect(tokens.verify(token!)).resolves.toMatchObject({ name: 'ops', scope: 'trade' });

    const listed = await scalper('token', 'list');
    expect(listed.stdout).toMatch(/^ops\ttrade\tcreated \S+\tlast used \S+\n$/);
    expect(listed.stdout).not.toContain(token!.split('_')[2]);

    expect(await scalper('token', 'revoke', 'ops')).toMatchObject({ code: 0, stdout: 'token ops revoked\n' });
    await expect(tokens.verify(token!)).resolves.toBeNull();
    expect(await scalper('token', 'revoke', 'ops')).toMatchObject({
      code: 1,
      stderr: 'scalper: no live token named ops\n',
    });
  });

  it('refuses a taken name and an unknown scope, naming them', async () => {
    expect((await scalper('token', 'create', '--name', 'twice')).code).toBe(0);
    expect(await scalper('token', 'create', '--name', 'twice')).toMatchObject({
      code: 1,
      stderr: 'scalper: a token named twice already exists\n',
    });
    const badScope = await scalper('token', 'create', '--name', 'x', '--scope', 'admin');
    expect(badScope.code).not.toBe(0);
    expect(badScope.stderr).toContain("option '--scope <scope>' argument 'admin' is invalid. read or trade");
  });
});

describe('the npm start token', () => {
  it('is made once, with the trade scope, in a file only the user can read, and remade when it stops working', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'scalper-token-')), 'api-token');
    const first = await ensureStartToken(tokens, file);
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(tokens.verify(first.token)).resolves.toMatchObject({ name: 'npm-start', scope: 'trade' });

    await expect(ensureStartToken(tokens, file)).resolves.toEqual({ token: first.token, file, created: false });

    await tokens.revoke('npm-start');
    const second = await ensureStartToken(tokens, file);
    expect(second.created).toBe(true);
    await expect(tokens.verify(second.token)).resolves.toMatchObject({ name: 'npm-start-2' });

    await writeFile(file, 'garbage\n');
    const third = await ensureStartToken(tokens, file);
    await expect(tokens.verify(third.token)).resolves.toMatchObject({ name: 'npm-start-3' });
  });
});
