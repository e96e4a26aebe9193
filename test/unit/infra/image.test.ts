// The Docker image installs production dependencies only and copies chosen folders: everything its
// entry points import at run time must be among them, and only the worker may load the worker SDK.
// Checked on the import graph as Node loads it: `import type` is erased, `import { type X }` still
// loads its module.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * What the image runs: the worker, the API, the CLI, the build-time bundler, the bundled workflows,
 * and the worker threads the worker starts by URL (no import leads to them).
 */
const ENTRY_POINTS = [
  'worker/main.ts',
  'activities/backtest-thread.ts',
  'api/main.ts',
  'cli/scalper.ts',
  'scripts/bundle-workflows.ts',
  'workflows/index.ts',
];

function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
      specifiers.push(node.moduleSpecifier.text);
    else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      specifiers.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      specifiers.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** Every file the entry points load and every package they import. */
function importGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((entry) => resolve(entry));
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier))
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  }
  return { files, packages };
}

const graph = importGraph(ENTRY_POINTS);
const dockerfile = readFileSync('Dockerfile', 'utf8');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

describe('the Docker image', () => {
  it('installs production dependencies only', () => {
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('runs nothing that needs a dev dependency', () => {
    expect([...graph.packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
    // The walk did reach the packages (an empty graph would pass the line above).
    expect(graph.packages).toContain('@temporalio/worker');
  });

  it('loads the worker SDK (and its native connection) in the worker only, not in the API or the CLI', () => {
    expect(importGraph(['api/main.ts', 'cli/scalper.ts']).packages).not.toContain('@temporalio/worker');
  });

  it('copies every folder its entry points load, the CLI included', () => {
    const folders = new Set([...graph.files].map((file) => relative(process.cwd(), file).split('/')[0]!));
    expect(folders).toContain('cli');
    for (const folder of folders) {
      if (folder === 'scripts') expect(dockerfile).toContain('COPY scripts/bundle-workflows.ts scripts/');
      else expect(dockerfile).toContain(`COPY ${folder} ${folder}`);
    }
  });
});
