import { expect } from "chai";
import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ionosApiError, isIonosApiError, type IonosApiError } from "../../provider/client/errors";
import { PLUGIN_CONFIG_KEYS, resolveSettings } from "../../provider/lifecycle/settings";
import {
  explainStoredSettings,
  RUN_PROGRAM_ON_UP_SINCE_CLI,
  RUN_PROGRAM_SINCE_CLI,
} from "../../provider/lifecycle/storedSettings";
import { pulumiCommandLine, runsProgram } from "../../provider/lifecycle/runProgram";
import { REPO_ROOT } from "../../scripts/pulumiCli";

const config = (values: Record<string, string>) => (key: string) => values[key];

function failure(status: number, hint?: string, fromApi = true): IonosApiError {
  return ionosApiError({
    operation: "registriesTokensFindById",
    method: "GET",
    route: "/registries/r/tokens/t",
    status,
    messages: status === 0 ? [] : [{ errorCode: "UNAUTHORIZED", message: "invalid credentials" }],
    retryable: false,
    attempts: 1,
    ambiguous: false,
    ...(status === 0
      ? { cause: "ECONNREFUSED", endpoint: "http://127.0.0.1:9/containerregistries" }
      : { fromApi }),
    ...(hint ? { hint } : {}),
  });
}

describe("storedSettings.ts: a refresh or destroy failing on settings stored at the last up says so", () => {
  describe("resolveSettings records which stack config keys the credentials and endpoint came from", () => {
    it("a token and an endpoint from the stack config", () => {
      const s = resolveSettings(
        config({ "ionoscloud:token": "t", "ionoscloud:endpoint": "127.0.0.1:1" }),
        {},
      );
      expect(s.configKeysUsed).to.deep.equal({
        credentials: ["ionoscloud:token"],
        endpoint: "ionoscloud:endpoint",
      });
    });

    it("a username and password from the stack config, the endpoint from IONOS_API_URL", () => {
      const s = resolveSettings(config({ "ionoscloud:username": "u", "ionoscloud:password": "p" }), {
        IONOS_API_URL: "127.0.0.1:1",
      });
      expect(s.configKeysUsed).to.deep.equal({ credentials: ["ionoscloud:username", "ionoscloud:password"] });
    });

    it("everything from the environment: no stack config key", () => {
      const s = resolveSettings(config({}), { IONOS_TOKEN: "t", IONOS_API_URL: "127.0.0.1:1" });
      expect(s.configKeysUsed).to.deep.equal({ credentials: [] });
    });

    it("the plugin's keys in plugin mode", () => {
      const s = resolveSettings(
        config({ "ionos-registry-token:token": "t", "ionos-registry-token:endpoint": "127.0.0.1:1" }),
        {},
        PLUGIN_CONFIG_KEYS,
      );
      expect(s.configKeysUsed).to.deep.equal({
        credentials: ["ionos-registry-token:token"],
        endpoint: "ionos-registry-token:endpoint",
      });
    });
  });

  const fromConfig = { credentials: ["ionoscloud:token"], endpoint: "ionoscloud:endpoint" };
  const tokenOnly = { credentials: ["ionoscloud:token"] };

  it("a 401 with credentials from the stack config: the stored settings, `pulumi up`, --run-program and the environment", () => {
    const explained = explainStoredSettings(
      failure(401, "The credentials came from stack config ionoscloud:token."),
      tokenOnly,
    );
    expect(isIonosApiError(explained)).to.equal(true);
    const { message, status, operation } = explained as IonosApiError;
    expect({ status, operation }).to.deep.equal({ status: 401, operation: "registriesTokensFindById" });
    // The existing sentence first, then the new one.
    expect(message).to.include("invalid credentials (UNAUTHORIZED) The credentials came from stack config");
    expect(message).to.include(
      "If this is `pulumi refresh`, `pulumi destroy`, or `pulumi up` or `preview` with `--refresh`: they read " +
        "with the provider settings stored in the stack by the last `pulumi up`, ionoscloud:token included, not " +
        "with the current config.",
    );
    expect(message).to.include("run `pulumi up` (without `--refresh`) first");
    expect(message).to.include(
      `add \`--run-program\` so that the program runs and the provider gets the current config (Pulumi CLI ` +
        `${RUN_PROGRAM_SINCE_CLI} or later for refresh and destroy, ${RUN_PROGRAM_ON_UP_SINCE_CLI} for up and preview; ` +
        `\`PULUMI_RUN_PROGRAM=true\` does the same from ${RUN_PROGRAM_ON_UP_SINCE_CLI})`,
    );
    expect(message).to.include(
      "IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD) in the environment is read each time a command runs " +
        "and never stored; it is used while the stored settings hold none",
    );
  });

  it("a 401 when the endpoint came from the stack config too names both: a stale endpoint may be another server", () => {
    const explained = explainStoredSettings(failure(401), fromConfig) as IonosApiError;
    expect(explained.message).to.include("ionoscloud:token and ionoscloud:endpoint included");
  });

  it("a 403 likewise names every credential key used", () => {
    const explained = explainStoredSettings(failure(403), {
      credentials: ["ionos-registry-token:username", "ionos-registry-token:password"],
    }) as IonosApiError;
    expect(explained.message).to.include(
      "ionos-registry-token:username and ionos-registry-token:password included",
    );
  });

  it("no answer from an endpoint in the stack config names the endpoint key and IONOS_API_URL", () => {
    const explained = explainStoredSettings(failure(0), fromConfig) as IonosApiError;
    expect(explained.message).to.include(
      "no response from http://127.0.0.1:9/containerregistries (ECONNREFUSED)",
    );
    expect(explained.message).to.include("ionoscloud:endpoint included");
    expect(explained.message).to.include("IONOS_API_URL in the environment");
    expect(explained.message).to.not.include("ionoscloud:token");
  });

  it("a 404 that is not the API's answer, from an endpoint in the stack config, names the endpoint key", () => {
    const explained = explainStoredSettings(failure(404, undefined, false), fromConfig) as IonosApiError;
    expect(explained.message).to.include("ionoscloud:endpoint included");
  });

  const unchanged: Array<[string, unknown, Parameters<typeof explainStoredSettings>[1]]> = [
    ["a 401 with credentials from the environment", failure(401), { credentials: [] }],
    ["no answer from an endpoint not in the stack config", failure(0), tokenOnly],
    ["the API's own 404 (the token is gone)", failure(404), fromConfig],
    ["a 500", failure(500), fromConfig],
    ["an error that is not the API's", new Error("boom"), fromConfig],
    ["a failure before any settings were resolved", failure(401), undefined],
  ];
  for (const [what, error, used] of unchanged) {
    it(`leaves ${what} as it is`, () => {
      expect(explainStoredSettings(error, used)).to.equal(error);
    });
  }
});

describe("storedSettings: no stored-settings advice when the command runs the program", () => {
  const failure401 = () => failure(401);
  const used = { credentials: ["ionoscloud:token"] };

  it("adds nothing when the program runs: the settings were the current config's", () => {
    const error = failure401();
    expect(explainStoredSettings(error, used, () => true)).to.equal(error);
  });

  it("adds the advice when the program does not run, or when that cannot be known", () => {
    for (const runs of [false, undefined]) {
      const explained = explainStoredSettings(failure401(), used, () => runs) as IonosApiError;
      expect(explained.message).to.include("stored in the stack by the last `pulumi up`");
    }
  });

  const cases: Array<[string, string[] | undefined, NodeJS.ProcessEnv, boolean | undefined]> = [
    ["--run-program", ["pulumi", "refresh", "--yes", "--run-program"], {}, true],
    ["--run-program=true", ["pulumi", "destroy", "--run-program=true"], {}, true],
    [
      "--run-program=false beats the variable",
      ["pulumi", "refresh", "--run-program=false"],
      { PULUMI_RUN_PROGRAM: "true" },
      false,
    ],
    ["PULUMI_RUN_PROGRAM=true", ["pulumi", "up", "--refresh"], { PULUMI_RUN_PROGRAM: "true" }, true],
    ["PULUMI_RUN_PROGRAM=1", ["pulumi", "up", "--refresh"], { PULUMI_RUN_PROGRAM: "1" }, true],
    ["PULUMI_RUN_PROGRAM=no", ["pulumi", "refresh"], { PULUMI_RUN_PROGRAM: "no" }, false],
    ["a plain refresh", ["pulumi", "refresh", "--yes"], {}, false],
    ["an unknown parent, with the variable", undefined, { PULUMI_RUN_PROGRAM: "TRUE" }, true],
    ["an unknown parent, without it", undefined, {}, undefined],
  ];
  for (const [what, commandLine, env, expected] of cases) {
    it(`runsProgram: ${what} → ${String(expected)}`, () => {
      expect(runsProgram(env, commandLine)).to.equal(expected);
    });
  }

  it("--run-program=t counts as the CLI's flag parser reads it (Go's ParseBool)", () => {
    expect(runsProgram({}, ["pulumi", "refresh", "--run-program=t"])).to.equal(true);
    expect(runsProgram({}, ["pulumi", "refresh", "--run-program=F"])).to.equal(false);
  });

  it("finds the CLI above the official dynamic-provider shim, which runs node from a shell without exec", () => {
    // A `pulumi` (node, linked under that name) starts the unmodified shim of @pulumi/pulumi, which resolves
    // `@pulumi/pulumi/cmd/dynamic-provider` from its working folder: here a probe that prints what it finds.
    const dir = mkdtempSync(path.join(tmpdir(), "ionos-run-program-"));
    try {
      const probe = path.join(dir, "node_modules/@pulumi/pulumi/cmd/dynamic-provider");
      mkdirSync(probe, { recursive: true });
      const runProgram = path.join(REPO_ROOT, "dist/provider/lifecycle/runProgram.js");
      writeFileSync(
        path.join(probe, "index.js"),
        `const { pulumiCommandLine, runsProgram } = require(${JSON.stringify(runProgram)});\n` +
          "console.log(JSON.stringify({ argv: pulumiCommandLine(), runs: runsProgram({}, pulumiCommandLine()) }));\n",
      );
      mkdirSync(path.join(dir, "bin"));
      symlinkSync(process.execPath, path.join(dir, "bin/pulumi"));
      const shim = path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs");
      expect(readFileSync(shim, "utf8")).to.not.include("exec node");
      const spawnShim = `require("child_process").spawnSync(${JSON.stringify(shim)}, [], { stdio: "inherit" })`;
      const out = execFileSync(path.join(dir, "bin/pulumi"), ["-e", spawnShim, "refresh", "--run-program"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}` },
      });
      const seen = JSON.parse(out) as { argv: string[]; runs: boolean };
      expect(seen.argv[0]).to.equal(path.join(dir, "bin/pulumi"));
      expect(seen.argv.slice(-2)).to.deep.equal(["refresh", "--run-program"]);
      expect(seen.runs).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds no CLI above the test runner", () => {
    expect(pulumiCommandLine()).to.equal(undefined);
  });
});
