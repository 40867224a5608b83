/**
 * The published .d.ts files document the API: every export of the package entry, every public
 * member of its classes and interfaces, and every overload carries a JSDoc comment; none mentions
 * an internal issue number; the math functions' JSDoc is the op table's `doc` text.
 *
 * The declarations are emitted in memory with tsconfig.build.json's options (stripInternal
 * included), exactly as `npm run build` writes them to dist/, and read back with the compiler
 * API — so no build is needed and dist/ can never be stale.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { OPS } from "../src/ops.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What the .d.ts text of a JSDoc comment says, whitespace collapsed ("" when there is none). */
function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

interface Declarations {
  /** Emitted .d.ts text by absolute file name. */
  files: Map<string, string>;
  program: ts.Program;
  checker: ts.TypeChecker;
  outDir: string;
}

/** Emits the declarations in memory and builds a program over them (what a user's editor reads). */
function declarations(): Declarations {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (config === undefined) throw new Error("tsconfig.build.json did not parse");
  const outDir = path.resolve(config.options.outDir!);
  const source = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const files = new Map<string, string>();
  const emitted = source.emit(undefined, (name, text) => files.set(path.resolve(name), text), undefined, true);
  expect(emitted.emitSkipped).toBe(false);

  const options: ts.CompilerOptions = { ...config.options, noEmit: true, outDir: undefined, declaration: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(path.resolve(name));
    return text === undefined ? getSourceFile(name, language, ...rest) : ts.createSourceFile(name, text, language, true);
  };
  host.fileExists = (name) => files.has(path.resolve(name)) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(path.resolve(name)) ?? ts.sys.readFile(name);
  host.directoryExists = (dir) =>
    [...files.keys()].some((name) => name.startsWith(path.resolve(dir) + path.sep)) || ts.sys.directoryExists(dir);
  const program = ts.createProgram({ rootNames: [path.join(outDir, "index.d.ts")], options, host });
  const errors = ts.getPreEmitDiagnostics(program);
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  return { files, program, checker: program.getTypeChecker(), outDir };
}

/** The exports of one emitted module, aliases resolved, by name. */
function exportsOf(d: Declarations, file: string): Map<string, ts.Symbol> {
  const sourceFile = d.program.getSourceFile(path.join(d.outDir, file));
  if (sourceFile === undefined) throw new Error(`${file} was not emitted`);
  const module = d.checker.getSymbolAtLocation(sourceFile)!;
  return new Map(
    d.checker.getExportsOfModule(module).map((s) => [
      s.name,
      s.flags & ts.SymbolFlags.Alias ? d.checker.getAliasedSymbol(s) : s,
    ]),
  );
}

const isPublic = (member: ts.ClassElement): boolean =>
  !(ts.getCombinedModifierFlags(member as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) &&
  !(member.name !== undefined && ts.isPrivateIdentifier(member.name));

const memberName = (member: ts.ClassElement | ts.TypeElement): string =>
  ts.isConstructorDeclaration(member) ? "constructor" : member.name?.getText() ?? "(unnamed)";

/** A class declaration and those of its base classes, nearest first. */
function classChain(d: Declarations, decl: ts.ClassDeclaration): ts.ClassDeclaration[] {
  const chain = [decl];
  const type = d.checker.getTypeAtLocation(decl);
  for (const base of type.isClassOrInterface() ? (d.checker.getBaseTypes(type) ?? []) : []) {
    for (const b of base.symbol?.declarations ?? []) if (ts.isClassDeclaration(b)) chain.push(...classChain(d, b));
  }
  return chain;
}

/**
 * Everything a user of the package entry can hover, each with its doc text: every declaration of
 * every export (each overload on its own), and each public member of exported classes and
 * interfaces.
 */
function documented(d: Declarations): { what: string; doc: string }[] {
  const found: { what: string; doc: string }[] = [];
  for (const [name, symbol] of exportsOf(d, "index.d.ts")) {
    const declarations = symbol.declarations ?? [];
    declarations.forEach((decl, k) => {
      found.push({ what: declarations.length > 1 ? `${name} (declaration ${k + 1})` : name, doc: docOf(decl) });
      // A class's members include those it inherits (Var's op methods live on VarMethods).
      const members: readonly (ts.ClassElement | ts.TypeElement)[] = ts.isClassDeclaration(decl)
        ? classChain(d, decl).flatMap((c) => c.members.filter(isPublic))
        : ts.isInterfaceDeclaration(decl)
          ? decl.members
          : [];
      members.forEach((member) => {
        const overloads = members.filter((m) => memberName(m) === memberName(member));
        const which = overloads.length > 1 ? ` (overload ${overloads.indexOf(member) + 1})` : "";
        found.push({ what: `${name}.${memberName(member)}${which}`, doc: docOf(member) });
      });
    });
  }
  return found;
}

describe("the published declarations", () => {
  let d: Declarations;
  beforeAll(() => {
    d = declarations();
  }, 120_000);

  it("document every export of the package entry and every public member", () => {
    const all = documented(d);
    // The entry exports the API (compile, Compiled, the math functions, …) and their members.
    expect(all.length).toBeGreaterThan(200);
    for (const name of ["compile (declaration 1)", "Compiled.grad (overload 2)", "Compiled.constructor", "Var.add", "sin", "ParseError.column", "FitOptions.epochs"]) {
      if (name === "Compiled.constructor") expect(all.some((x) => x.what === name)).toBe(false); // @internal: stripped
      else expect(all.some((x) => x.what === name)).toBe(true);
    }
    expect(all.filter((x) => x.doc === "").map((x) => x.what)).toEqual([]);
  });

  it("mention no internal issue numbers", () => {
    const hits: string[] = [];
    for (const [file, text] of d.files) {
      text.split("\n").forEach((line, i) => {
        if (/issue\s*#?\d/i.test(line)) hits.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(d.files.size).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });

  it("give each generated function the op table's doc, and each Var method the same after x.name(y):", () => {
    const functions = exportsOf(d, "generated/functions.d.ts");
    const math = exportsOf(d, "math.d.ts");
    const varClass = exportsOf(d, "var.d.ts").get("Var")!.declarations!.find(ts.isClassDeclaration)!;
    const varMembers = new Map(
      classChain(d, varClass).flatMap((c) => c.members.map((m) => [memberName(m), docOf(m)] as const)),
    );
    let checked = 0;
    for (const rule of OPS) {
      const differentiable = rule.kind === "unary" || rule.kind === "binary" || rule.kind === "compare";
      if (!differentiable) continue;
      if (rule.fn) {
        const fn = functions.get(rule.name);
        expect(fn, `generated/functions.ts exports ${rule.name}`).toBeDefined();
        expect(rule.doc, `${rule.name}'s doc`).not.toBe("");
        for (const decl of fn!.declarations!) expect(docOf(decl), rule.name).toBe(rule.doc);
        checked++;
      } else if (rule.name !== "powc") {
        // Written by hand in math.ts (pow, the n-ary min and max): documented there.
        const fn = math.get(rule.name);
        expect(fn, `math.ts exports ${rule.name}`).toBeDefined();
        for (const decl of fn!.declarations!) expect(docOf(decl), rule.name).not.toBe("");
      }
      if (rule.method) {
        const call = rule.kind === "unary" ? `x.${rule.name}()` : `x.${rule.name}(y)`;
        expect(varMembers.get(rule.name), `Var.${rule.name}`).toBe(`${call}: ${rule.doc}`);
        checked++;
      }
    }
    expect(checked).toBe(OPS.filter((r) => r.fn).length + OPS.filter((r) => r.method).length);
    expect(checked).toBeGreaterThan(40);
  });
});
