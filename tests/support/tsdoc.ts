/**
 * Reads the TypeScript declarations users see — their properties, optionality, nullability, string-literal
 * unions and TSDoc — with the TypeScript compiler API, straight from the sources. The schema test
 * (tests/unit/schemaDocs.test.ts) holds the plugin's package schema to them, so the two cannot drift.
 */
import * as path from "path";
import ts from "typescript";
import { PROJECT_ROOT } from "./providerHost";

/** One declared property (of an interface, or a class's instance property). */
export interface DeclaredProperty {
  name: string;
  /** The TSDoc as a schema description (see {@link schemaText}); empty when the property has none. */
  doc: string;
  /** Declared with `?`. */
  optional: boolean;
  /** Its type (inside `Output<…>` for a class's output property) admits `null`. */
  nullable: boolean;
}

/** The declarations of some source files, read once. */
export interface Declarations {
  /** The properties of an exported interface, in declaration order. */
  interfaceProperties(file: string, name: string): DeclaredProperty[];
  /** The instance properties a class declares itself (not those it inherits), in declaration order. */
  classProperties(file: string, name: string): DeclaredProperty[];
  /** The TSDoc of an exported interface, class, type alias or function, as a schema description. */
  docOf(file: string, name: string): string;
  /** The members of an exported type alias that is a union of string literals, in declaration order. */
  stringUnion(file: string, name: string): string[];
  /** The string literals of every array given to a property named `key` in an object literal of `file`. */
  arrayLiteralsAt(file: string, key: string): string[];
}

/**
 * A TSDoc comment as the schema words it: the summary, its paragraphs kept and lines joined, then a `@default`
 * as "Default: ….". `@remarks` are left out: they hold what only TypeScript users need (e.g. that a `Date`
 * works too). An inline `{@link}` or any other tag throws: other languages' SDKs could not render it, and
 * nothing may be dropped silently.
 */
export function schemaText(symbol: ts.Symbol, checker: ts.TypeChecker, where: string): string {
  const parts = symbol.getDocumentationComment(checker);
  const link = parts.find((p) => p.kind.startsWith("link"));
  if (link) throw new Error(`${where}: {@link} in a TSDoc that is also a schema description`);
  let text = tidy(ts.displayPartsToString(parts));
  for (const tag of symbol.getJsDocTags(checker)) {
    if (tag.name === "remarks") continue;
    if (tag.name !== "default")
      throw new Error(`${where}: @${tag.name} has no place in a schema description`);
    const value = tidy(ts.displayPartsToString(tag.text));
    text = `${text} Default: ${value}${value.endsWith(".") ? "" : "."}`.trim();
  }
  return text;
}

/** Paragraphs kept (`\n\n`), each one's lines joined by single spaces. */
function tidy(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter((paragraph) => paragraph !== "")
    .join("\n\n");
}

/** Loads the given source files (paths relative to the project root) into one program. */
export function readDeclarations(files: readonly string[]): Declarations {
  const roots = files.map((file) => path.join(PROJECT_ROOT, file));
  const program = ts.createProgram(roots, {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  });
  const checker = program.getTypeChecker();

  const sourceOf = (file: string): ts.SourceFile => {
    const source = program.getSourceFile(path.join(PROJECT_ROOT, file));
    if (!source) throw new Error(`${file} is not among the files read`);
    return source;
  };
  const declaration = <T extends ts.Node>(file: string, name: string, is: (n: ts.Node) => n is T): T => {
    const found = sourceOf(file).statements.find(
      (s): s is ts.Statement & T => is(s) && (s as unknown as { name?: ts.Identifier }).name?.text === name,
    );
    if (!found) throw new Error(`${file} declares no ${name} of the expected kind`);
    return found;
  };
  const symbolOf = (node: ts.NamedDeclaration, where: string): ts.Symbol => {
    const symbol = node.name && checker.getSymbolAtLocation(node.name);
    if (!symbol) throw new Error(`${where}: no symbol`);
    return symbol;
  };
  const admitsNull = (type: ts.Type): boolean =>
    type.isUnion() ? type.types.some(admitsNull) : (type.flags & ts.TypeFlags.Null) !== 0;
  const propertyOf = (
    member: ts.PropertySignature | ts.PropertyDeclaration,
    where: string,
    valueType: (node: ts.TypeNode) => ts.TypeNode,
  ): DeclaredProperty => {
    const name = member.name.getText();
    const at = `${where}.${name}`;
    if (!member.type) throw new Error(`${at}: no declared type`);
    return {
      name,
      doc: schemaText(symbolOf(member, at), checker, at),
      optional: member.questionToken !== undefined,
      nullable: admitsNull(checker.getTypeFromTypeNode(valueType(member.type))),
    };
  };

  return {
    interfaceProperties(file, name) {
      return declaration(file, name, ts.isInterfaceDeclaration)
        .members.filter(ts.isPropertySignature)
        .map((m) => propertyOf(m, name, (type) => type));
    },
    classProperties(file, name) {
      // An output property is `Output<T>`: whether it can be null is a question about T.
      const inside = (type: ts.TypeNode) =>
        ts.isTypeReferenceNode(type) && type.typeArguments?.length === 1 ? type.typeArguments[0] : type;
      return declaration(file, name, ts.isClassDeclaration)
        .members.filter(ts.isPropertyDeclaration)
        .filter((m) => !m.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.StaticKeyword))
        .map((m) => propertyOf(m, name, inside));
    },
    docOf(file, name) {
      const node = declaration(
        file,
        name,
        (n): n is ts.NamedDeclaration =>
          ts.isInterfaceDeclaration(n) ||
          ts.isClassDeclaration(n) ||
          ts.isTypeAliasDeclaration(n) ||
          ts.isFunctionDeclaration(n),
      );
      return schemaText(symbolOf(node, name), checker, name);
    },
    stringUnion(file, name) {
      const alias = declaration(file, name, ts.isTypeAliasDeclaration);
      const members = ts.isUnionTypeNode(alias.type) ? alias.type.types : [alias.type];
      return members.map((member) => {
        if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) {
          throw new Error(`${name}: ${member.getText()} is not a string literal`);
        }
        return member.literal.text;
      });
    },
    arrayLiteralsAt(file, key) {
      const found: string[] = [];
      const visit = (node: ts.Node): void => {
        if (
          ts.isPropertyAssignment(node) &&
          node.name.getText() === key &&
          ts.isArrayLiteralExpression(node.initializer)
        ) {
          for (const element of node.initializer.elements) {
            if (ts.isStringLiteral(element)) found.push(element.text);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceOf(file));
      return found;
    },
  };
}
