/**
 * Pulumi's SDK generators and the tools around them, as this repository builds them (shared by the release
 * script and the SDK tests): `scripts/pulumi-gen-sdk` (built by `scripts/ensure-sdk-gen.sh`, because
 * `pulumi package gen-sdk` needs language hosts that cannot be built here), Pulumi YAML's language host, and the
 * cached Python venv with the Pulumi Python SDK (`scripts/ensure-python.sh`).
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { runCommand } from "./projectSandbox";
import { offlineEnv, REPO_ROOT } from "./pulumiCli";

/** A language the generator writes. */
export type SdkLanguage = "nodejs" | "python" | "go";

/** Runs one of our `scripts/ensure-*.sh` and returns the last line it printed (a directory). */
function ensure(script: string): string {
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", script)], {
    encoding: "utf8",
    // Progress (minutes on a cold machine) stays visible; only stdout's last line is the answer.
    stdio: ["ignore", "pipe", "inherit"],
  });
  const dir = out.trim().split("\n").pop();
  if (!dir) throw new Error(`scripts/${script} printed no directory`);
  return dir;
}

/** Pulumi YAML's language host (scripts/ensure-pulumi-yaml.sh): its bin dir, built on first use. */
export function yamlLanguageHostDir(): string {
  return ensure("ensure-pulumi-yaml.sh");
}

/** The `pulumi-gen-sdk` executable, built on first use (minutes with cold Go caches). */
export function sdkGenerator(): string {
  return path.join(ensure("ensure-sdk-gen.sh"), "pulumi-gen-sdk");
}

/** The cached venv holding the Pulumi Python SDK (and setuptools), created on first use (about a minute). */
export function pythonVenv(): string {
  return ensure("ensure-python.sh");
}

/** Options of {@link generateSdk}. */
export interface GenerateSdkOptions {
  /** The schema file (tests/support/generatedSdk.ts `writePluginSchema`). */
  schema: string;
  language: SdkLanguage;
  /** Where to write the SDK. @default a new temp folder */
  out?: string;
  /**
   * As `pulumi package add` makes it. nodejs: an SDK installed from its folder and compiled by its postinstall;
   * go: a module of its own (a go.mod) that a program requires through a `replace`.
   */
  local?: boolean;
}

/** Generates an SDK from the schema; returns its folder. */
export async function generateSdk(options: GenerateSdkOptions): Promise<string> {
  const out = options.out ?? mkdtempSync(path.join(tmpdir(), `ionos-sdk-${options.language}-`));
  mkdirSync(out, { recursive: true });
  await runCommand(
    sdkGenerator(),
    [
      "--schema",
      options.schema,
      "--language",
      options.language,
      "--out",
      out,
      ...(options.local ? ["--local"] : []),
    ],
    { cwd: out, env: offlineEnv() },
  );
  return out;
}
