/**
 * Section 7: big stacks through the real CLI — what a user with many tokens waits for: the program, the engine,
 * the host or plugin and the provider together. Per mode, one project declares `count` resources of either
 * contender: `RegistryToken`, or the mode's floor — in dynamic mode a minimal dynamic resource from the same
 * program (the bench's dynamic floor, one request per create and delete, the same inputs), in plugin mode the
 * bench's floor plugin declared from the same Pulumi YAML program. Each round runs, per contender (alternating
 * which goes first), `pulumi preview`, then `pulumi up` and `pulumi destroy` against the emulator, at N = 1 and
 * N = {@link BIG_STACK_N}; what a command costs per added resource is (T(N) − T(1)) ÷ (N − 1). The budgets judge
 * the median over the rounds of ours ÷ the floor's.
 */
import { randomBytes } from "crypto";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { createModeProject, initStack, type Mode, type ModeProject } from "../tests/support/modeProject";
import { yamlLanguageHostDir } from "../tests/support/generatedSdk";
import { PLUGIN_BIN_DIR } from "../tests/support/pluginUnderTest";
import { PROJECT_ROOT } from "../tests/support/providerHost";
import { requirePulumi } from "../tests/support/pulumiCli";
import { readCpuProfiles } from "./cpuProfiles";
import { engineProfileArgs, readEngineProfile, requireGo, type EngineProfile } from "./engineProfile";
import { median, nowMs } from "./harness";
import { LAYERS, type Layer } from "./profile";
import { PROFILE_DIR_VARIABLE } from "./probes/cpuProfile";
import { FLOOR_PLUGIN_PATH } from "./pluginHarness";
import { ms, type Budget, type Row, type SectionResult } from "./report";
import type { PulumiRun } from "../scripts/projectSandbox";
import type { Contender } from "./scale";

/** The big stack's size (issue 34). */
export const BIG_STACK_N = 300;
/** Per added resource, ours may take at most this multiple of the floor's (median of the rounds). */
export const BIG_STACK_BUDGET_RATIO = 1.15;
/** Measured rounds after a warm-up. */
export const BIG_STACK_ROUNDS = 3;

/** What a round times, in this order at each size: a preview, an up, and a destroy. */
export const BIG_STACK_COMMANDS = ["preview", "up", "destroy"] as const;
/** One of {@link BIG_STACK_COMMANDS}. */
export type BigStackCommand = (typeof BIG_STACK_COMMANDS)[number];
/** The commands the budget judges (the issue's: preview and up); destroy is reported beside them. */
export const JUDGED_COMMANDS: readonly BigStackCommand[] = ["preview", "up"];

/**
 * Who a big stack runs: ours, the floor, and in plugin mode also the floor storing what ours stores (the floor
 * plugin's `floor:index:ShapedToken`), which tells what our own code costs apart from the engine's work per
 * stored property.
 */
export type BigStackContender = Contender | "shaped floor";

/** The contenders of `mode`'s big stacks (the dynamic floor is a plain object; it has no shaped twin). */
export function contendersOf(mode: Mode): BigStackContender[] {
  return mode === "plugin" ? ["subject", "floor", "shaped floor"] : ["subject", "floor"];
}

/** One contender's times in one round, ms, by command and N. */
export interface BigStackTimes {
  round: number;
  contender: BigStackContender;
  preview: { small: number; large: number };
  up: { small: number; large: number };
  destroy: { small: number; large: number };
}

/** Per command: ours and the floor's ms per added resource in each round, their ratios, and the median. */
export interface BigStackCommandResult {
  command: BigStackCommand;
  perResourceMs: { subject: number[]; floor: number[]; shapedFloor?: number[] };
  ratios: number[];
  ratio: number;
  /** Ours against the shaped floor (plugin mode): not a budget, the share of the ratio that is our code. */
  shaped?: { ratios: number[]; ratio: number };
}

/** Raw figures of one mode. */
export interface BigStackData {
  mode: Mode;
  n: number;
  rounds: number;
  commands: BigStackCommandResult[];
  raw: BigStackTimes[];
}

const SCOPES = [{ name: "*", type: "repository", actions: ["pull"] }];

/**
 * The dynamic-mode program: `count` resources of the contender the stack config names. The floor is the bench's
 * dynamic floor provider, required by path from this checkout (a plain object; the program's own
 * `@pulumi/pulumi` makes the resources).
 */
function dynamicProgram(): string {
  const floorModule = path.join(__dirname, "floors", "dynamicFloorProvider.js");
  const scopes = JSON.stringify(SCOPES);
  return `import * as pulumi from "@pulumi/pulumi";
import { RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const registryId = config.require("registryId");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { floorProvider } = require(${JSON.stringify(floorModule)});
/** The floor's resource: a dynamic resource with nothing of its own. */
class FloorToken extends pulumi.dynamic.Resource {}

for (let i = 0; i < count; i++) {
  if (config.require("contender") === "floor")
    new FloorToken(floorProvider, \`t\${i}\`, {
      registryId,
      scopes: ${scopes},
      defaultNamePrefix: \`t\${i}\`,
    });
  else new RegistryToken(\`t\${i}\`, { registryId, scopes: ${scopes} });
}
`;
}

/** The plugin-mode program (Pulumi YAML has no loops): `count` resources of `type`, written out. */
function yamlProgram(type: string, count: number): string {
  const lines = ["config:", "  registryId:", "    type: string", "resources:"];
  for (let i = 0; i < count; i++)
    lines.push(
      `  t${i}:`,
      `    type: ${type}`,
      "    properties:",
      "      registryId: ${registryId}",
      `      scopes: ${JSON.stringify(SCOPES)}`,
    );
  return `${lines.join("\n")}\n`;
}

const RESOURCE_TYPE: Record<BigStackContender, string> = {
  subject: "ionos-registry-token:index:RegistryToken",
  floor: "floor:index:Token",
  "shaped floor": "floor:index:ShapedToken",
};

/** One mode's projects (one per contender: a stack each) against one emulator. */
interface Stacks {
  /** Sets N for `contender`'s stack. */
  size(contender: BigStackContender, n: number): Promise<void>;
  pulumi(contender: BigStackContender, args: string[], env?: Record<string, string>): Promise<PulumiRun>;
  close(): Promise<void>;
}

async function startStacks(mode: Mode, emulator: RunningEmulator, apiToken: string): Promise<Stacks> {
  const registryId = emulator.registries[0].id;
  const settings = { endpoint: emulator.url, apiToken };
  const projects: Partial<Record<BigStackContender, ModeProject>> = {};
  const close = async () => {
    for (const project of Object.values(projects)) project?.dispose();
  };
  try {
    for (const contender of contendersOf(mode)) {
      const project = await createModeProject({
        mode,
        project: `big-${contender.replace(" ", "-")}`,
        passphrase: "bench",
        program: mode === "dynamic" ? dynamicProgram() : yamlProgram(RESOURCE_TYPE[contender], 1),
        plugins: {
          providerDir: PLUGIN_BIN_DIR,
          yamlHostDir: yamlLanguageHostDir(),
          ...(contender !== "subject"
            ? { otherProviders: [{ name: "floor", dir: path.dirname(FLOOR_PLUGIN_PATH) }] }
            : {}),
        },
      });
      projects[contender] = project;
      const config: Record<string, string> = { registryId };
      if (mode === "dynamic") Object.assign(config, { contender, count: "1" });
      await initStack(project, mode, settings, config);
      if (mode === "plugin" && contender !== "subject") {
        // The floor plugin's own settings (package `floor`).
        await project.pulumi(["config", "set", "floor:endpoint", emulator.url]);
        await project.pulumi(["config", "set", "--secret", "floor:token"], { input: apiToken });
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  const projectOf = (contender: BigStackContender) => projects[contender]!;
  return {
    async size(contender, n) {
      const project = projectOf(contender);
      if (mode === "dynamic") await project.pulumi(["config", "set", "count", String(n)]);
      else {
        writeFileSync(path.join(project.projectDir, "Main.yaml"), yamlProgram(RESOURCE_TYPE[contender], n));
      }
    },
    async pulumi(contender, args, env) {
      return projectOf(contender).pulumi(args, env ? { env } : {});
    },
    close,
  };
}

/**
 * Runs `use` with each mode's stacks in turn, against one emulator started for them (an API token of its own),
 * and closes everything after.
 */
async function withStacks(
  modes: readonly Mode[],
  use: (stacks: Stacks, mode: Mode) => Promise<void>,
): Promise<void> {
  const apiToken = `bench-${randomBytes(12).toString("hex")}`;
  const emulator = await startEmulator({ credentials: { token: apiToken }, registries: [{ name: "bench" }] });
  try {
    for (const mode of modes) {
      const stacks = await startStacks(mode, emulator, apiToken);
      try {
        await use(stacks, mode);
      } finally {
        await stacks.close();
      }
    }
  } finally {
    await emulator.close();
  }
}

/** Times one contender's preview, up and destroy at both sizes. */
async function timeContender(stacks: Stacks, contender: BigStackContender, n: number, round: number) {
  const timed = async (args: string[]) => {
    const started = nowMs();
    await stacks.pulumi(contender, args);
    return nowMs() - started;
  };
  const times: BigStackTimes = {
    round,
    contender,
    preview: { small: 0, large: 0 },
    up: { small: 0, large: 0 },
    destroy: { small: 0, large: 0 },
  };
  for (const [size, count] of [
    ["small", 1],
    ["large", n],
  ] as const) {
    await stacks.size(contender, count);
    times.preview[size] = await timed(["preview"]);
    times.up[size] = await timed(["up", "--yes", "--skip-preview"]);
    times.destroy[size] = await timed(["destroy", "--yes", "--skip-preview"]);
  }
  return times;
}

/** Runs a warm-up and {@link BIG_STACK_ROUNDS} alternating rounds of `mode`, and judges the medians. */
export async function measureBigStack(
  mode: Mode,
  options: { n?: number; rounds?: number } = {},
): Promise<SectionResult<BigStackData>> {
  requirePulumi();
  const n = options.n ?? BIG_STACK_N;
  const rounds = options.rounds ?? BIG_STACK_ROUNDS;
  const raw: BigStackTimes[] = [];
  await withStacks([mode], async (stacks) => {
    const contenders = contendersOf(mode);
    if (contenders.includes("shaped floor")) await checkSameShape(stacks);
    // A warm-up of each: the CLI's plugin look-ups, the language host's and TypeScript's caches.
    for (const contender of contenders) await timeContender(stacks, contender, 2, 0);
    for (let round = 1; round <= rounds; round++)
      for (const contender of orderOf(contenders, round))
        raw.push(await timeContender(stacks, contender, n, round));
  });
  const data: BigStackData = { mode, n, rounds, commands: summarizeBigStack(raw, n), raw };
  return { rows: rowsOf(data), budgets: budgetsOf(data), data };
}

/**
 * The order of round `round`: the contenders rotated by one each round, so that each goes first, and (with two)
 * the floor first in odd rounds.
 */
export function orderOf<T>(contenders: readonly T[], round: number): T[] {
  const shift = round % contenders.length;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
}

/** Property names, and which are secret, of one resource's inputs and outputs. */
interface Shape {
  inputs: string[];
  outputs: string[];
  secretInputs: string[];
  secretOutputs: string[];
}

/**
 * The shape of `props` (a state's or a preview's property bag): names, and those holding a secret — sealed in
 * the state (`ciphertext`), or marked in a preview's JSON (`[secret]`).
 */
function shapeOf(props: Record<string, unknown> | undefined): { names: string[]; secret: string[] } {
  const entries = Object.entries(props ?? {});
  const isSecret = (value: unknown) =>
    /ciphertext|\[secret\]|4dabf18193072939515e22adb298388d/.test(JSON.stringify(value));
  return {
    names: entries.map(([key]) => key).sort(),
    secret: entries
      .filter(([, value]) => isSecret(value))
      .map(([key]) => key)
      .sort(),
  };
}

/**
 * Fails unless ours and the shaped floor store the same thing, where the timed commands see it: one resource
 * of each is previewed (`pulumi preview --json`: what Check and a previewed Create answered) and created (the
 * exported state), and the names of their inputs and outputs, and which of them are secret, must agree.
 */
async function checkSameShape(stacks: Stacks): Promise<void> {
  const shapes = async (contender: BigStackContender) => {
    const type = RESOURCE_TYPE[contender];
    const shape = (state: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }): Shape => {
      const [inputs, outputs] = [shapeOf(state.inputs), shapeOf(state.outputs)];
      return {
        inputs: inputs.names,
        outputs: outputs.names,
        secretInputs: inputs.secret,
        secretOutputs: outputs.secret,
      };
    };
    await stacks.size(contender, 1);
    const preview = JSON.parse((await stacks.pulumi(contender, ["preview", "--json"])).stdout) as {
      steps?: Array<{
        newState?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
      }>;
    };
    const planned = preview.steps?.find((step) => step.newState?.type === type)?.newState;
    if (!planned) throw new Error(`big stack: no ${type} in the preview`);
    await stacks.pulumi(contender, ["up", "--yes", "--skip-preview"]);
    try {
      const exported = JSON.parse((await stacks.pulumi(contender, ["stack", "export"])).stdout) as {
        deployment: {
          resources: Array<{
            type: string;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
          }>;
        };
      };
      const created = exported.deployment.resources.find((r) => r.type === type);
      if (!created) throw new Error(`big stack: no ${type} in the state`);
      return { preview: shape(planned), state: shape(created) };
    } finally {
      await stacks.pulumi(contender, ["destroy", "--yes", "--skip-preview"]);
    }
  };
  const ours = JSON.stringify(await shapes("subject"));
  const floor = JSON.stringify(await shapes("shaped floor"));
  if (ours !== floor) throw new Error(`big stack: the shaped floor stores ${floor}, ours ${ours}`);
}

/** Per command: the per-resource times of each round, the per-round ratios, and their median. */
export function summarizeBigStack(raw: readonly BigStackTimes[], n: number): BigStackCommandResult[] {
  const rounds = [...new Set(raw.map((r) => r.round))].sort((a, b) => a - b);
  return BIG_STACK_COMMANDS.map((command) => {
    const perResource = (contender: BigStackContender) =>
      rounds.map((round) => {
        const times = raw.find((r) => r.round === round && r.contender === contender)?.[command];
        return times ? (times.large - times.small) / (n - 1) : NaN;
      });
    const subject = perResource("subject");
    const floor = perResource("floor");
    const ratios = subject.map((s, i) => s / floor[i]);
    const result: BigStackCommandResult = {
      command,
      perResourceMs: { subject, floor },
      ratios,
      ratio: median(ratios),
    };
    if (raw.some((r) => r.contender === "shaped floor")) {
      const shapedFloor = perResource("shaped floor");
      const shapedRatios = subject.map((s, i) => s / shapedFloor[i]);
      result.perResourceMs.shapedFloor = shapedFloor;
      result.shaped = { ratios: shapedRatios, ratio: median(shapedRatios) };
    }
    return result;
  });
}

const sectionOf = (data: BigStackData) => `big stack through the CLI, N=${data.n}, ${data.mode}`;
const list = (values: number[], digits = 2) => values.map((v) => v.toFixed(digits)).join(" / ");

/** The median of per-resource times, to a tenth of a ms (a preview adds a few ms per resource). */
const medianMs = (values: number[]) => `${median(values).toFixed(1)} ms`;

const isJudged = (c: BigStackCommandResult) => JUDGED_COMMANDS.includes(c.command);

/**
 * Whether a command's median is within budget. A round without a figure is a missing measurement, and a
 * resource that costs nothing or less (T(N) ≤ T(1): noise over too small an N) is no measurement either: never
 * a pass.
 */
function withinBudget(c: BigStackCommandResult): boolean {
  const measured = [...c.perResourceMs.subject, ...c.perResourceMs.floor].every(
    (v) => Number.isFinite(v) && v > 0,
  );
  return measured && c.ratio <= BIG_STACK_BUDGET_RATIO;
}

function rowsOf(data: BigStackData): Row[] {
  return data.commands.flatMap((c) => {
    const rows: Row[] = [
      {
        section: sectionOf(data),
        metric: `${c.command}: ms per added resource, ours / floor`,
        measured: `${medianMs(c.perResourceMs.subject)} / ${medianMs(c.perResourceMs.floor)}`,
        reference: `rounds ${list(c.ratios)}; ${isJudged(c) ? `≤ ${BIG_STACK_BUDGET_RATIO}×` : "not a budget"}`,
        ratio: c.ratio,
        ...(isJudged(c) ? { pass: withinBudget(c) } : {}),
      },
    ];
    if (c.shaped && c.perResourceMs.shapedFloor)
      rows.push({
        section: sectionOf(data),
        metric: `${c.command}: ours / the floor storing what ours stores`,
        measured: `${medianMs(c.perResourceMs.subject)} / ${medianMs(c.perResourceMs.shapedFloor)}`,
        reference: `rounds ${list(c.shaped.ratios)}; not a budget`,
        ratio: c.shaped.ratio,
      });
    return rows;
  });
}

/** The budgets of one mode: per judged command (preview, up), the median ratio per added resource. */
export function budgetsOf(data: BigStackData): Budget[] {
  return data.commands.filter(isJudged).map((c) => ({
    name: `${sectionOf(data)}: ${c.command} per added resource ÷ floor (median of ${data.rounds})`,
    measured:
      `${c.ratio.toFixed(2)}× (${list(c.ratios)}; ours ${list(c.perResourceMs.subject, 1)} ms, ` +
      `floor ${list(c.perResourceMs.floor, 1)} ms)`,
    limit: `≤ ${BIG_STACK_BUDGET_RATIO}×`,
    pass: withinBudget(c),
  }));
}

/** Where `--profile-big-stack` writes the CPU profiles. */
export const BIG_STACK_PROFILE_DIR = path.join(PROJECT_ROOT, "bench", "profiles", "big-stack");

/**
 * `npm run bench -- --profile-big-stack [N]`: one `pulumi preview` of N resources per mode and contender, with
 * every Node.js process the CLI starts profiled (`probes/cpuProfile.ts`, preloaded through NODE_OPTIONS), and
 * the samples counted by process and layer (`cpuProfiles.ts`). Returns the table; the profiles stay in
 * {@link BIG_STACK_PROFILE_DIR} (`<mode>-<contender>/`, for Chrome's or VS Code's profile viewers).
 */
export async function profileBigStack(n: number): Promise<string> {
  requirePulumi();
  await requireGo();
  const found: Array<{
    mode: Mode;
    contender: BigStackContender;
    wallMs: number;
    byRole: ReturnType<typeof readCpuProfiles>;
    engine: EngineProfile;
  }> = [];
  await withStacks(["dynamic", "plugin"], async (stacks, mode) => {
    for (const contender of contendersOf(mode)) {
      const dir = path.join(BIG_STACK_PROFILE_DIR, `${mode}-${contender.replace(" ", "-")}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await stacks.size(contender, n);
      // Unprofiled first, so that caches are as warm as in the measured rounds.
      await stacks.pulumi(contender, ["preview"]);
      const env = {
        NODE_OPTIONS: [
          process.env.NODE_OPTIONS,
          `--require ${path.join(__dirname, "probes", "cpuProfile.js")}`,
        ]
          .filter(Boolean)
          .join(" "),
        [PROFILE_DIR_VARIABLE]: dir,
      };
      const started = nowMs();
      await stacks.pulumi(contender, ["preview", ...engineProfileArgs(dir)], env);
      const wallMs = nowMs() - started;
      found.push({
        mode,
        contender,
        wallMs,
        byRole: readCpuProfiles(dir),
        engine: await readEngineProfile(dir),
      });
    }
  });
  const header = [
    "process: layer (ms of CPU samples)",
    ...found.map((f) => `${f.mode}: ${f.contender === "subject" ? "ours" : f.contender}`),
  ];
  const rows: string[][] = [];
  const notBusy: readonly Layer[] = ["idle (waiting in epoll)", "the profiler's own logging"];
  for (const role of ["program", "dynamic-provider host", "plugin", "other"] as const) {
    if (found.every((f) => LAYERS.every((layer) => f.byRole[role][layer] < 1))) continue;
    for (const layer of LAYERS) {
      const values = found.map((f) => f.byRole[role][layer]);
      if (values.every((v) => v < 1)) continue;
      rows.push([`${role}: ${layer}`, ...values.map((v) => v.toFixed(0))]);
    }
    const busy = found.map((f) =>
      LAYERS.filter((layer) => !notBusy.includes(layer)).reduce(
        (sum, layer) => sum + f.byRole[role][layer],
        0,
      ),
    );
    rows.push([
      `**${role}: busy** (all but idle and the profiler's own work)`,
      ...busy.map((v) => v.toFixed(0)),
    ]);
  }
  for (const [label, field] of [
    ["engine (Go): all", "totalMs"],
    ["engine: snapshot saves (serializing every resource so far, after each step)", "snapshotMs"],
    ["engine: background garbage collection", "gcMs"],
  ] as const)
    rows.push([label, ...found.map((f) => f.engine[field].toFixed(0))]);
  rows.push(["wall time of the preview", ...found.map((f) => ms(f.wallMs))]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
