/**
 * The messages the docs quote exist as quoted, in the code that prints them. Three ways, the strongest that fits:
 * - a message composed at run time is printed by the code itself ({@link PRINTED}: the API client against the
 *   emulator, the settings, the create, the rotation warning, Node.js) and must match the quote, whose
 *   placeholders (`…`, `<id>`, `"x"`, `N`) match anything;
 * - another of ours is split at its placeholders and each fragment must be in this repository's sources;
 * - one printed by another program ({@link FOUND_BY_NEEDLE}) must be in that program's own source (the Pulumi CLI's Go
 *   module, grpc-js, require-from-string, npm), found by a needle written with its own format verbs.
 * A renamed message fails here.
 *
 * The quotes: the Message column of docs/troubleshooting.md, and the messages other pages quote
 * ({@link QUOTED_ELSEWHERE}).
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as sinon from "sinon";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { createToken } from "../../provider/lifecycle/creation";
import { tokensApiWith } from "../../provider/lifecycle/apiClient";
import { diffDetails } from "../../provider/lifecycle/runtime";
import { resolveSettings } from "../../provider/lifecycle/settings";
import { explainStoredSettings } from "../../provider/lifecycle/storedSettings";
import type { TokenInputs, TokenOutputs } from "../../provider/rules/types";
import { REPO_ROOT } from "../../scripts/pulumiCli";
import { targetNodeBinary } from "../../scripts/release/seaExecutable";
import { tableAfter } from "./markdown";

/** Who prints a message. */
type Origin = "ours" | "pulumi-cli" | "require-from-string" | "grpc-js" | "npm";

/** A quote found by needles: who prints it, and the text to find in their source (with its format verbs). */
interface NeedleQuote {
  origin: Origin;
  needles: string[];
  /** A quote that joins two programs' messages: the second one's. */
  then?: NeedleQuote;
}

/** The Pulumi CLI the suites run (scripts/ensure-pulumi.sh): its source is the Go module of this version. */
const PULUMI_VERSION = "v3.276.0";

/**
 * Quotes found by needles in the source of who prints them: others' messages, and a line of ours assembled from
 * counts (the fault matrix's summary), by their text in the docs.
 */
const FOUND_BY_NEEDLE: Record<string, NeedleQuote> = {
  "faults injected / survived / failed cleanly / inconsistent": {
    origin: "ours",
    needles: ["} faults injected (", "} survived / ", "} failed cleanly (", "} inconsistent ("],
  },
  "with N pending operations": {
    origin: "pulumi-cli",
    needles: ["with %d pending operations from previous deployment"],
  },
  "the stack is currently locked by 1 lock(s)": {
    origin: "pulumi-cli",
    needles: ["the stack is currently locked by %v lock(s)"],
  },
  "no resource plugin 'pulumi-resource-pulumi-nodejs' found": {
    origin: "pulumi-cli",
    needles: ["no %[1]s plugin 'pulumi-%[1]s-%[2]s' found"],
  },
  "violates plan: properties changed: ++name": {
    origin: "pulumi-cli",
    needles: ["violates plan: %w", "properties changed: %v"],
  },
  "Detected that …/pulumi-resource-ionos-registry-token exited prematurely. This is *always* a bug in the provider":
    {
      origin: "pulumi-cli",
      needles: ["Detected that %s exited prematurely.", "This is *always* a bug in the provider."],
    },
  "refreshing [diff: -name,namePrefix,status]": {
    origin: "pulumi-cli",
    needles: ['writeString(changesBuf, "diff: ")', "refreshing"],
  },
  // The Node.js SDK's dynamic-provider host loads the provider with require-from-string.
  "code must be a string, not undefined": {
    origin: "require-from-string",
    needles: ["code must be a string, not "],
  },
  // grpc-js's message, then the engine's reason.
  "Channel has been shut down … resource monitor shut down": {
    origin: "grpc-js",
    needles: ["Channel has been shut down"],
    then: { origin: "pulumi-cli", needles: ['"resource monitor shut down'] },
  },
  "npm warn install-scripts 1 package has install scripts not yet covered by allowScripts: … protobufjs@7.… (postinstall: node scripts/postinstall)":
    { origin: "npm", needles: ["install scripts not yet covered by allowScripts", "install-scripts"] },
};

/** Runs `node -e code` in an empty folder with `node` (default: this process's); what it wrote on stderr. */
function nodeStderr(code: string, node = process.execPath): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ionos-messages-"));
  try {
    return spawnSync(node, ["-e", code], { cwd: dir, encoding: "utf8" }).stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The message of what `run` throws. */
async function thrown(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

/** An API client of the dynamic provider's settings for `endpoint`, with `token` from the stack config. */
const apiFor = (endpoint: string, token: string) =>
  tokensApiWith(
    resolveSettings(
      (key) =>
        ({
          "ionoscloud:token": token,
          "ionoscloud:endpoint": endpoint,
          "ionos-registry-token:retryBudgetMs": "300",
        })[key],
      {},
    ),
  );

/** Pull-only inputs after Check, for a create. */
const inputsNamed = (registryId: string, name: string): TokenInputs => ({
  registryId,
  name,
  expiryDate: null,
  status: "enabled",
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
  namePrefix: null,
  expiresIn: null,
  rotateBefore: null,
  rotationTriggers: null,
});

/** Quotes of messages composed at run time, with the code that prints them (`emulator`: a running one). */
const PRINTED: Record<string, (emulator: RunningEmulator) => Promise<string>> = {
  "IONOS credentials are missing: set a token with pulumi config set --secret ionoscloud:token …": () =>
    thrown(() => resolveSettings(() => undefined, {})),
  "… failed with HTTP 401 … The credentials came from …": (emulator) =>
    thrown(() => apiFor(emulator.url, "wrong").list(emulator.registries[0].id)),
  "… they read with the provider settings stored in the stack by the last `pulumi up` …": async (
    emulator,
  ) => {
    const error = await apiFor(emulator.url, "wrong")
      .list(emulator.registries[0].id)
      .catch((e: unknown) => e);
    return (explainStoredSettings(error, { credentials: ["ionoscloud:token"] }, () => false) as Error)
      .message;
  },
  "… failed with no response from <endpoint> (ECONNREFUSED)": () =>
    thrown(() => apiFor("http://127.0.0.1:9", API_TOKEN).list("r")),
  'A token named "x" (<id>) already exists in registry … (created …)': async (emulator) => {
    const api = apiFor(emulator.url, API_TOKEN);
    const inputs = inputsNamed(emulator.registries[0].id, `ci-push-${randomBytes(3).toString("hex")}`);
    await createToken(api, inputs);
    return thrown(() => createToken(api, inputs));
  },
  "warning: RegistryToken … is due for rotation: expires …; rotateBefore 7d was reached at …": () =>
    rotationWarning("2099-01-03T00:00:00Z"),
  "… is due for rotation: expired at …": () => rotationWarning("2099-01-01T00:00:00Z"),
  "N passed, N failed, N skipped": async () => {
    // The suites' reporter, run on a spec with one test of each outcome.
    const dir = mkdtempSync(path.join(tmpdir(), "ionos-messages-"));
    try {
      writeFileSync(
        path.join(dir, "one.spec.js"),
        'it("passes", () => {}); it("fails", () => { throw new Error("x"); }); it.skip("skipped", () => {});\n',
      );
      const mocha = path.join(REPO_ROOT, "node_modules/mocha/bin/mocha.js");
      const reporter = path.join(REPO_ROOT, "dist/tests/support/summaryReporter.js");
      return spawnSync(process.execPath, [mocha, "--no-config", "--reporter", reporter, "one.spec.js"], {
        cwd: dir,
        encoding: "utf8",
      }).stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  "ExperimentalWarning: FFI is an experimental feature": async () =>
    // Node 26 (the release's executables, CI's newest line) prints it; the release caches that Node.
    nodeStderr('require("node:ffi")', targetNodeBinary("linux", "amd64")),
  "Cannot find module 'ionos-registry-token'": async () => nodeStderr('require("ionos-registry-token")'),
  "Cannot find module 'ionos-registry-token/provider-runtime'": async () =>
    nodeStderr('require("ionos-registry-token/provider-runtime")'),
};
PRINTED['A token named "…" (<id>) already exists … (created …)'] = PRINTED[
  'A token named "x" (<id>) already exists in registry … (created …)'
] as (typeof PRINTED)[string];

/**
 * The warning a preview prints for a token with `expiresIn: 30d`, `rotateBefore: 7d` that expires at `expiryDate`,
 * on 2099-01-01T12:00:00Z: what Diff writes (on stderr, without an engine to send it to).
 */
async function rotationWarning(expiryDate: string): Promise<string> {
  const warn = sinon.stub(console, "warn");
  const clock = process.env.IONOS_REGISTRY_TOKEN_CLOCK;
  process.env.IONOS_REGISTRY_TOKEN_CLOCK = "2099-01-01T12:00:00Z";
  try {
    const inputs = { ...inputsNamed("r", "x"), expiresIn: "30d", rotateBefore: "7d" };
    await diffDetails(
      { ...inputs, expiryDate, tokenId: "t", username: "x", password: "" } as TokenOutputs,
      inputs,
    );
    return warn.args.map((args) => String(args[0])).join("\n");
  } finally {
    warn.restore();
    if (clock === undefined) delete process.env.IONOS_REGISTRY_TOKEN_CLOCK;
    else process.env.IONOS_REGISTRY_TOKEN_CLOCK = clock;
  }
}

/** `quote` as a pattern: its placeholders match anything, backticks are ignored. */
export function quotePattern(quote: string): RegExp {
  const parts = quote.replace(/`/g, "").split(/(\s*…\s*|<[^>]+>|"x"|"…"|\bN\b)/);
  const source = parts
    .map((part, i) =>
      i % 2 === 1
        ? part.startsWith('"')
          ? '"[^"]*"'
          : "[\\s\\S]*?"
        : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(source);
}

const API_TOKEN = "docs-messages";

/** Messages quoted outside the troubleshooting table: page → quotes. */
const QUOTED_ELSEWHERE: Record<string, string[]> = {
  "docs/reliability.md": [
    "with N pending operations",
    'A token named "…" (<id>) already exists … (created …)',
  ],
  "docs/rotation.md": [
    "warning: RegistryToken … is due for rotation: expires …; rotateBefore 7d was reached at …",
    "… is due for rotation: expired at …",
  ],
  "docs/drift.md": ["violates plan: properties changed: ++name"],
  "docs/adoption-import.md": ["code must be a string, not undefined"],
  "docs/installation-configuration.md": ["ExperimentalWarning: FFI is an experimental feature"],
  "docs/contributing.md": [
    "N passed, N failed, N skipped",
    "faults injected / survived / failed cleanly / inconsistent",
  ],
};

/** Cells of the Message column that are not messages (a symptom described in words). */
const NOT_A_MESSAGE = new Set(["password"]);

/** The code spans of a Markdown cell (``…`` spans too). */
const spansOf = (cell: string) => [...cell.matchAll(/(``?)(.+?)\1/g)].map((m) => (m[2] as string).trim());

/** The quotes of the troubleshooting table: the first code span of each Message cell. */
function troubleshootingQuotes(): string[] {
  return tableAfter("docs/troubleshooting.md", "# Troubleshooting")
    .map((row) => spansOf(row[0] as string)[0] as string)
    .filter((quote) => !NOT_A_MESSAGE.has(quote));
}

/** The fragments of a quote between its placeholders. */
export function fragmentsOf(quote: string): string[] {
  return quote
    .split(/…|<[^>]+>|"x"|"…"|\bN\b/)
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 5);
}

/** Text of every file under `dir` whose name passes `keep` (recursively; node_modules and dist skipped). */
function textUnder(dir: string, keep: (file: string) => boolean): string {
  const parts: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) {
        if (entry !== "node_modules" && entry !== "dist" && entry !== "baselines") walk(full);
      } else if (keep(full)) parts.push(readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return parts.join("\n");
}

/** Our sources with string concatenations across lines joined, so a message split over two literals is whole. */
function ourSources(): string {
  const text = ["provider", "emulator", "scripts", "bench", "tests/support", "tests/faults"]
    .map((dir) => textUnder(path.join(REPO_ROOT, dir), (f) => f.endsWith(".ts")))
    .join("\n");
  return text.replace(/["'`]\s*\+\s*["'`]/g, "");
}

/** The source (or, for Node.js, the binary holding its JavaScript) of another program. */
function programSource(origin: NeedleQuote["origin"]): string {
  switch (origin) {
    case "ours":
      return ourSources();
    case "pulumi-cli": {
      const dirs = ["pkg", "sdk"].map((module) => {
        const downloaded = execFileSync(
          "go",
          ["mod", "download", "-json", `github.com/pulumi/pulumi/${module}/v3@${PULUMI_VERSION}`],
          { encoding: "utf8" },
        );
        return (JSON.parse(downloaded) as { Dir: string }).Dir;
      });
      return dirs
        .map((dir) => textUnder(dir, (f) => f.endsWith(".go") && !f.endsWith("_test.go")))
        .join("\n");
    }
    case "require-from-string":
      return readFileSync(path.join(REPO_ROOT, "node_modules/require-from-string/index.js"), "utf8");
    case "grpc-js":
      return textUnder(path.join(REPO_ROOT, "node_modules/@grpc/grpc-js/build"), (f) => f.endsWith(".js"));
    case "npm": {
      // The npm on PATH, the one that printed the warning.
      const cli = execFileSync("bash", ["-c", 'readlink -f "$(command -v npm)"'], {
        encoding: "utf8",
      }).trim();
      return textUnder(path.join(path.dirname(path.dirname(cli)), "lib"), (f) => f.endsWith(".js"));
    }
  }
}

describe("docs: every quoted message exists in the code that prints it", function () {
  this.timeout(300_000);
  const ours = ourSources();
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "messages" }] });
  });
  after(async () => emulator?.close());
  const sources = new Map<NeedleQuote["origin"], string>();
  const sourceOf = (origin: NeedleQuote["origin"]) => {
    if (!sources.has(origin)) sources.set(origin, programSource(origin));
    return sources.get(origin) as string;
  };

  it("finds the troubleshooting table's messages", () => {
    expect(troubleshootingQuotes()).to.have.length.greaterThan(15);
  });

  it("each page still quotes the messages listed for it", () => {
    for (const [file, quotes] of Object.entries(QUOTED_ELSEWHERE)) {
      const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
      for (const quote of quotes) expect(text, file).to.include(`\`${quote}\``);
    }
  });

  const quotes = [...new Set([...troubleshootingQuotes(), ...Object.values(QUOTED_ELSEWHERE).flat()])];
  for (const quote of quotes) {
    it(`"${quote}"`, async () => {
      const printer = PRINTED[quote];
      if (printer !== undefined) {
        const message = (await printer(emulator)).replace(/`/g, "");
        expect(message, "the message as printed").to.match(quotePattern(quote));
        return;
      }
      const other = FOUND_BY_NEEDLE[quote];
      if (other !== undefined) {
        for (let part: NeedleQuote | undefined = other; part !== undefined; part = part.then) {
          const source = sourceOf(part.origin);
          for (const needle of part.needles)
            expect(source.includes(needle), `${part.origin}: ${needle}`).to.equal(true);
        }
        return;
      }
      const fragments = fragmentsOf(quote);
      expect(fragments, "a quote with nothing to look for").to.not.deep.equal([]);
      const missing = fragments.filter((fragment) => !ours.includes(fragment));
      expect(missing, "fragments no source of this repository holds").to.deep.equal([]);
    });
  }
});
