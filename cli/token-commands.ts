// `scalper token …`: the REST API's bearer tokens. A token is printed once, when it is created.
import { type Command, InvalidArgumentError } from 'commander';
import { TokenNotFoundError } from '../db/api-tokens.ts';
import { TOKEN_SCOPES, type TokenScope } from '../db/entities/index.ts';
import type { WithDatabase } from './database-connection.ts';

function scope(value: string): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`${TOKEN_SCOPES.join(' or ')}`);
  return value as TokenScope;
}

export function addTokenCommands(program: Command, withDatabase: WithDatabase, print: (line: string) => void): void {
  const token = program.command('token').description("The REST API's bearer tokens");

  token
    .command('create')
    .description('Create a token and print it once (only its hash is kept)')
    .requiredOption('--name <name>', 'a name to recognise and revoke it by')
    .option('--scope <scope>', 'read: GET only; trade: may also change things', scope, 'read' as TokenScope)
    .action(
      withDatabase(async (database, options: { name: string; scope: TokenScope }) => {
        const created = await database.tokens.create(options.name, options.scope);
        print(created.token);
        print(`token ${options.name} (${options.scope}) created; it is shown only now: keep it`);
      }),
    );

  token
    .command('list')
    .description('Live tokens: name, scope, created, last used (never the token)')
    .action(
      withDatabase(async (database) => {
        const tokens = await database.tokens.list();
        if (tokens.length === 0) print('no tokens');
        for (const t of tokens) {
          const used = t.lastUsedAt ? t.lastUsedAt.toISOString() : 'never';
          print(`${t.name}\t${t.scope}\tcreated ${t.createdAt.toISOString()}\tlast used ${used}`);
        }
      }),
    );

  token
    .command('revoke')
    .argument('<name>', 'token name')
    .description('Revoke a token: it is refused from the next request on')
    .action(
      withDatabase(async (database, name: string) => {
        if (!(await database.tokens.revoke(name))) throw new TokenNotFoundError(name);
        print(`token ${name} revoked`);
      }),
    );
}
