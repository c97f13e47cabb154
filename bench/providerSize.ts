/**
 * Section 2: the size of the serialized provider (`__provider`) that Pulumi stores twice (inputs and outputs)
 * for every token, the state bytes per token, and the same size when the package is installed from its
 * `npm pack` tarball into a scratch program — and that the installed package's provider works in the host.
 */
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { RUNTIME_ENTRY } from "../provider/dynamic/stateContract";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import type { RegisteredToken } from "../tests/support/serializedProvider";
import { startBenchEnv, type LiveToken } from "./harness";
import { bytes, type SectionResult } from "./report";

/** The package name, as the serialized provider `require`s it. */
const PACKAGE_NAME = RUNTIME_ENTRY.split("/")[0];

/** The budget for `__provider`. */
export const PROVIDER_BUDGET_BYTES = 24 * 1024;

/** Raw figures of the section. */
export interface ProviderSizeData {
  /** `__provider` as `RegistryToken` produces it in this repository (UTF-8 bytes). */
  providerBytes: number;
  /** JSON of one token's inputs and outputs as the engine stores them, `__provider` in both. */
  stateBytesPerToken: number;
  /** The same without the two copies of `__provider`. */
  stateBytesWithoutProvider: number;
  /** Installed from the `npm pack` tarball into a scratch program. */
  packed: {
    tarballBytes: number;
    /** How the scratch program got the package and its dependencies. */
    install: string;
    providerBytes: number;
    /** Whether that provider loads the package's code by package name (`require("ionos-registry-token/…")`). */
    loadsPackageByName: boolean;
    /** Whether a host started in the scratch program created and deleted a token with it. */
    worksInHost: boolean;
  };
}

const SCRATCH_PROGRAM = `// Declares one RegistryToken under mocks and prints the serialized provider it registers.
const pulumi = require("@pulumi/pulumi");
let provider;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      if (args.type.startsWith("pulumi-nodejs:dynamic")) provider = args.inputs.__provider;
      return { id: args.name + "-id", state: args.inputs };
    },
    call: () => ({}),
  },
  "proj",
  "dev",
  false,
);
const { RegistryToken } = require("ionos-registry-token");
new RegistryToken("ci", {
  registryId: process.argv[2],
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});
process.once("beforeExit", () => process.stdout.write(JSON.stringify({ provider })));
`;

/**
 * Measures the sizes.
 * @param registered - what `RegistryToken` registers in this repository
 * @param sample - one created token (inputs and outputs as returned by the host)
 */
export async function measureProviderSize(
  registered: RegisteredToken,
  sample: LiveToken,
): Promise<SectionResult<ProviderSizeData>> {
  const providerBytes = Buffer.byteLength(registered.provider);
  const stateBytesPerToken = Buffer.byteLength(
    JSON.stringify({ inputs: sample.inputs, outputs: sample.outs }),
  );
  const { __provider: _in, ...inputs } = sample.inputs;
  const { __provider: _out, ...outputs } = sample.outs;
  const stateBytesWithoutProvider = Buffer.byteLength(JSON.stringify({ inputs, outputs }));
  const packed = await measurePacked(registered);
  const data: ProviderSizeData = { providerBytes, stateBytesPerToken, stateBytesWithoutProvider, packed };

  const limit = bytes(PROVIDER_BUDGET_BYTES);
  const largest = Math.max(providerBytes, packed.providerBytes);
  const providerPass = largest <= PROVIDER_BUDGET_BYTES && packed.loadsPackageByName && packed.worksInHost;
  return {
    rows: [
      {
        section: "size",
        metric: "__provider (this repo)",
        measured: bytes(providerBytes),
        reference: `≤ ${limit}`,
        ratio: providerBytes / PROVIDER_BUDGET_BYTES,
        pass: providerBytes <= PROVIDER_BUDGET_BYTES,
      },
      {
        section: "size",
        metric: "__provider (installed from npm pack)",
        measured: bytes(packed.providerBytes),
        reference: `≤ ${limit}`,
        ratio: packed.providerBytes / PROVIDER_BUDGET_BYTES,
        pass: packed.providerBytes <= PROVIDER_BUDGET_BYTES,
      },
      {
        section: "size",
        metric: "installed provider runs in the host",
        measured: packed.worksInHost && packed.loadsPackageByName ? "yes" : "no",
        reference: packed.install,
      },
      {
        section: "size",
        metric: "state per token (inputs+outputs JSON)",
        measured: bytes(stateBytesPerToken),
        reference: `${bytes(stateBytesWithoutProvider)} without __provider`,
      },
      { section: "size", metric: "npm pack tarball", measured: bytes(packed.tarballBytes) },
    ],
    budgets: [
      {
        name: "__provider size",
        measured: `${bytes(providerBytes)} here, ${bytes(packed.providerBytes)} installed`,
        limit: `≤ ${limit}`,
        pass: providerPass,
        ...(packed.worksInHost ? {} : { note: "the installed package's provider failed in the host" }),
      },
    ],
    data,
  };
}

/** Packs the package, installs it into a scratch program, and serializes a token there. */
async function measurePacked(registered: RegisteredToken): Promise<ProviderSizeData["packed"]> {
  const scratch = mkdtempSync(path.join(tmpdir(), "ionos-registry-token-bench-"));
  try {
    const tarball = pack(scratch);
    const install = installInto(scratch, tarball.file);
    writeFileSync(path.join(scratch, "program.js"), SCRATCH_PROGRAM);
    const registryId = registered.inputs.registryId as string;
    const printed = execFileSync(process.execPath, ["program.js", registryId], {
      cwd: scratch,
      encoding: "utf8",
      timeout: 60_000,
    });
    const provider = (JSON.parse(printed) as { provider?: string }).provider;
    if (typeof provider !== "string") throw new Error("the scratch program registered no __provider");
    return {
      tarballBytes: tarball.bytes,
      install,
      providerBytes: Buffer.byteLength(provider),
      loadsPackageByName: provider.includes(`"${PACKAGE_NAME}/`),
      worksInHost: await worksInHost(registered, scratch, provider),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `npm pack` into `dir`, without lifecycle scripts. */
function pack(dir: string): { file: string; bytes: number } {
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: npmEnv(),
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [info] = JSON.parse(out) as Array<{ filename: string; size: number }>;
  return { file: path.join(dir, info.filename), bytes: info.size };
}

/**
 * Installs the tarball into `dir` with npm from its cache only (`--offline`); when the cache cannot satisfy
 * it, unpacks the tarball as npm would and links this repository's installed dependencies instead.
 * @returns how the package was installed
 */
function installInto(dir: string, tarball: string): string {
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "bench-scratch", version: "1.0.0", private: true }),
  );
  try {
    execFileSync(
      "npm",
      ["install", tarball, "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: dir, env: npmEnv(), timeout: 180_000, stdio: "ignore" },
    );
    return "npm install --offline";
  } catch {
    const modules = path.join(dir, "node_modules");
    const target = path.join(modules, "ionos-registry-token");
    rmSync(modules, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    for (const dependency of ["@pulumi", "node-fetch"]) {
      symlinkSync(path.join(PROJECT_ROOT, "node_modules", dependency), path.join(modules, dependency), "dir");
    }
    return "unpacked tarball, dependencies linked";
  }
}

/** The environment for a child npm: without the `npm_*` variables of an enclosing `npm run`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || /^npm_config_(cache|registry|userconfig)$/i.test(key)) env[key] = value;
  }
  return env;
}

/** Starts a host in the scratch program and creates and deletes one token with the installed provider. */
async function worksInHost(registered: RegisteredToken, scratch: string, provider: string): Promise<boolean> {
  const env = await startBenchEnv(registered, { hostCwd: scratch, provider });
  try {
    const token = await env.createToken();
    await env.host.delete(token.id, token.outs);
    return typeof token.outs.password === "string" && token.outs.password !== "";
  } catch (error) {
    process.stderr.write(`bench: the installed provider failed in the host: ${(error as Error).message}\n`);
    process.stderr.write(env.host.output());
    return false;
  } finally {
    await env.close();
  }
}
