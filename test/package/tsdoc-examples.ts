/**
 * The `@example`s of nlbkit's public API, read from the declarations a user's editor shows (the packed
 * package's `.d.ts`, reached through its `exports`), each written as a module that imports the public
 * names it uses, so that tsc can compile them like any user code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One `@example` of an exported symbol (or of a member of one). */
export interface TsdocExample {
  /** `subpath: Symbol` or `subpath: Symbol.member`. */
  name: string;
  /** The source file of the declaration, e.g. `src/drivers/aws/aws-driver.ts`. */
  source: string;
  /** The subpath it was reached through first, e.g. `nlbkit/aws`. */
  subpath: string;
  code: string;
}

const PROBE = 'exports-probe.ts';

/** Writes a module that imports every subpath, so the checker can list their exports. */
async function writeProbe(projectDir: string, subpaths: readonly string[]): Promise<string> {
  const file = join(projectDir, PROBE);
  await writeFile(file, subpaths.map((s, i) => `import * as s${i} from '${s}';\n`).join(''));
  return file;
}

function examplesOf(decl: ts.Declaration): string[] {
  return ts
    .getJSDocTags(decl)
    .filter((t) => t.tagName.text === 'example')
    .map((t) => ts.getTextOfJSDocComment(t.comment) ?? '');
}

/** Every public `@example`, and the names each subpath exports. */
export async function readPublicExamples(
  projectDir: string,
  subpaths: readonly string[],
): Promise<{ examples: TsdocExample[]; exportsOf: Map<string, Set<string>> }> {
  const probe = await writeProbe(projectDir, subpaths);
  const config = ts.readConfigFile(join(projectDir, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, projectDir);
  const program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(probe);
  if (!file) throw new Error(`tsc did not read ${probe}`);
  const packageDist = join(projectDir, 'node_modules/nlbkit/dist');
  const seen = new Set<ts.Declaration>();
  const examples: TsdocExample[] = [];
  const exportsOf = new Map<string, Set<string>>();
  const collect = (subpath: string, name: string, decls: readonly ts.Declaration[] | undefined) => {
    for (const decl of decls ?? []) {
      if (seen.has(decl)) continue;
      seen.add(decl);
      const source = `src/${relative(packageDist, decl.getSourceFile().fileName).replace(/\.d\.ts$/, '.ts')}`;
      for (const code of examplesOf(decl))
        examples.push({ name: `${subpath}: ${name}`, source, subpath, code });
    }
  };
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const subpath = statement.moduleSpecifier.text;
    const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!module) throw new Error(`tsc cannot resolve '${subpath}' from the project`);
    const names = new Set<string>();
    exportsOf.set(subpath, names);
    for (const exported of checker.getExportsOfModule(module)) {
      names.add(exported.name);
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      collect(subpath, exported.name, target.declarations);
      target.members?.forEach((member) => {
        collect(subpath, `${exported.name}.${member.name}`, member.declarations);
      });
    }
  }
  return { examples, exportsOf };
}

/** Identifiers the example reads but does not declare (candidates for imports). */
function freeNames(code: string): Set<string> {
  const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const used = new Set<string>();
  const declared = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const p = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        (ts.isPropertyAssignment(p) && p.name === node) ||
        (ts.isBindingElement(p) && p.propertyName === node);
      const isDeclaration =
        (ts.isVariableDeclaration(p) ||
          ts.isFunctionDeclaration(p) ||
          ts.isParameter(p) ||
          ts.isBindingElement(p)) &&
        p.name === node;
      if (isDeclaration) declared.add(node.text);
      else if (!isName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return new Set([...used].filter((n) => !declared.has(n)));
}

/** Syntax errors in an example's module, as tsc words them. */
function syntaxErrors(module: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(module, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

/**
 * Writes each example as `<dir>/<n>-<name>.ts`: a comment naming its origin, imports of the public names
 * it uses (from its own subpath first), then the example's code as written. An example that does not
 * even parse is not written (a syntax error would stop tsc before it checks types anywhere); it is
 * returned with its errors instead.
 */
export async function writeExampleModules(
  dir: string,
  examples: readonly TsdocExample[],
  exportsOf: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<{ unparsable: string[] }> {
  await mkdir(dir, { recursive: true });
  const unparsable: string[] = [];
  for (const [i, ex] of examples.entries()) {
    const bySubpath = new Map<string, string[]>();
    for (const name of freeNames(ex.code)) {
      const from = exportsOf.get(ex.subpath)?.has(name)
        ? ex.subpath
        : [...exportsOf].find(([, names]) => names.has(name))?.[0];
      if (from) bySubpath.set(from, [...(bySubpath.get(from) ?? []), name]);
    }
    const imports = [...bySubpath].map(([from, names]) => `import { ${names.join(', ')} } from '${from}';`);
    const module = [`// @example of ${ex.name} (${ex.source})`, ...imports, 'export {};', ex.code, ''].join(
      '\n',
    );
    const errors = syntaxErrors(module);
    if (errors.length > 0) unparsable.push(`${ex.name} (${ex.source}): ${errors.join('; ')}`);
    else
      await writeFile(
        join(dir, `${String(i).padStart(3, '0')}-${ex.name.replace(/[^\w.]+/g, '_')}.ts`),
        module,
      );
  }
  return { unparsable };
}
