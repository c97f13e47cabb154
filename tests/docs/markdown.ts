/**
 * Reading the repository's Markdown as a reader's tools do: links, the anchors GitHub gives headings, and fenced
 * code blocks by language. Shared by the docs tests.
 */
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/pulumiCli";

/** The Markdown files the docs tests read: README.md, RELEASING.md, examples/README.md and docs/ (repository paths). */
export function docFiles(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return ["README.md", "RELEASING.md", "examples/README.md", ...docs.sort()];
}

/** A fenced code block: its language, its text, and the line of its opening fence (1-based). */
export interface CodeBlock {
  file: string;
  language: string;
  code: string;
  line: number;
}

/** The fenced code blocks of `file`. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)/.exec(lines[i] as string);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++) body.push(lines[j] as string);
    const indent = (open[1] as string).length;
    blocks.push({
      file,
      language: open[2] as string,
      code: body.map((l) => l.slice(indent)).join("\n"),
      line: i + 1,
    });
    i = j;
  }
  return blocks;
}

/** The text of `file` outside fenced code blocks. */
function withoutFences(file: string): string {
  return readFileSync(path.join(REPO_ROOT, file), "utf8").replace(/^\s*```[\s\S]*?^\s*```\s*$/gm, "");
}

/** The text of `file` outside fenced code blocks and inline code, where links count. */
function prose(file: string): string {
  return withoutFences(file).replace(/`[^`\n]*`/g, "``");
}

/** The link targets of `file` (`[text](target)`), in order. */
export function linksIn(file: string): string[] {
  return [...prose(file).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of `file`'s headings, numbered as GitHub numbers repeats (`-1`, `-2`). */
export function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of withoutFences(file).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugOf(match[1] as string);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** The repository paths `file` names in inline code (`provider/rules/diff.ts`, `tests/upgrade/`), in order. */
export function pathsNamedIn(file: string): string[] {
  const text = withoutFences(file);
  return [...text.matchAll(/`((?:provider|emulator|tests|scripts|bench|examples|docs|bin)\/[\w./-]*)`/g)].map(
    (m) => m[1] as string,
  );
}

/** The languages of fenced blocks that a reader types into a shell. */
export const SHELL_LANGUAGES = new Set(["sh", "bash", "shell", "console"]);

/**
 * What the line above a shell block (blank lines aside) says about it: `<!-- runs: ID -->` (the docs suite runs it with the recipe
 * ID, `tests/docs/shellRecipes.ts`) or `<!-- not-run: REASON -->` (it cannot run here, and why).
 */
export type ShellMarker = { runs: string } | { notRun: string } | undefined;

/** A fenced shell block with its marker. */
export interface ShellBlock extends CodeBlock {
  marker: ShellMarker;
}

/** Every shell block of the docs ({@link docFiles}), with the marker on the line above its fence. */
export function shellBlocks(): ShellBlock[] {
  return docFiles().flatMap((file) => {
    const lines = readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n");
    return codeBlocks(file)
      .filter((block) => SHELL_LANGUAGES.has(block.language))
      .map((block) => {
        // The nearest line above the fence that is not blank (Prettier puts a blank line after a comment).
        let index = block.line - 2;
        while (index > 0 && (lines[index] ?? "").trim() === "") index--;
        const above = (lines[index] ?? "").trim();
        const runs = /^<!-- runs: ([a-z0-9-]+) -->$/.exec(above);
        const notRun = /^<!-- not-run: (.+\S) -->$/.exec(above);
        const marker: ShellMarker = runs
          ? { runs: runs[1] as string }
          : notRun
            ? { notRun: notRun[1] as string }
            : undefined;
        return { ...block, marker };
      });
  });
}

/** The rows of the first Markdown table after the heading `heading` in `file`, as arrays of cell texts. */
export function tableAfter(file: string, heading: string): string[][] {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no heading "${heading}"`);
  const lines = text.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}
