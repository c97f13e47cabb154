/**
 * Reads the CPU profiles `probes/cpuProfile.ts` wrote for every Node.js process of a `pulumi` command, and
 * counts their samples by process role (the program, Pulumi's dynamic-provider host, a plugin) and by layer —
 * each sample for its nearest caller outside Node's own JavaScript, as `profile.ts` counts V8 ticks.
 */
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { layerOfLocation, LAYERS, type Layer } from "./profile";

/** What a process was, from its command line. */
export type ProcessRole = "program" | "dynamic-provider host" | "plugin" | "other";

/** The role of a Node.js process by its argv. */
export function roleOf(argv: readonly string[]): ProcessRole {
  const line = argv.join(" ");
  if (line.includes("dynamic-provider")) return "dynamic-provider host";
  if (/pulumi-resource-|pluginFloor|plugin\/main/.test(line)) return "plugin";
  if (/@pulumi\/pulumi\/cmd\/run|run-plugin|language/.test(line)) return "program";
  return "other";
}

/** A `.cpuprofile` as V8's inspector writes it (the fields read here). */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    /** `scriptId` "0": a V8 builtin (`runMicrotasks`, …), which has no script of its own. */
    callFrame: { functionName: string; url: string; scriptId?: string };
    children?: number[];
  }>;
  samples: number[];
  /** µs between samples, one per sample. */
  timeDeltas: number[];
}

/** Milliseconds of samples by layer, for one profile (`(idle)` apart, as idle). */
export function profileByLayer(profile: CpuProfile): Record<Layer, number> {
  const byLayer = Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<Layer, number>;
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const layerOfNode = new Map<number, Layer>();
  const resolve = (id: number): Layer => {
    const known = layerOfNode.get(id);
    if (known) return known;
    let layer: Layer = "node: internals";
    let nodeInternal = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, scriptId } = byId.get(at)!.callFrame;
      if (functionName === "(idle)") {
        layer = "idle (waiting in epoll)";
        break;
      }
      if (functionName === "(garbage collector)") {
        layer = "no JavaScript caller: GC";
        break;
      }
      if (functionName === "(program)" || functionName === "(root)") {
        // Node's own JavaScript with no package above it (an event-loop callback) is Node's.
        layer = nodeInternal ? "node: internals" : "no JavaScript caller: other native";
        break;
      }
      if (url.startsWith("node:")) {
        nodeInternal = true;
        continue;
      }
      // A builtin counts for whoever called it (the serialized dynamic provider has no URL either, but a script).
      if (url === "" && scriptId === "0") continue;
      // The profiler's own flushes (probes/cpuProfile.ts) are no contender's cost.
      if (url.includes("/bench/probes/")) {
        layer = "the profiler's own logging";
        break;
      }
      layer = layerOfLocation(`${functionName} ${url}`);
      break;
    }
    layerOfNode.set(id, layer);
    return layer;
  };
  profile.samples.forEach((id, i) => {
    byLayer[resolve(id)] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return byLayer;
}

/** Every process's samples in `dir`, by role and layer, ms. */
export function readCpuProfiles(dir: string): Record<ProcessRole, Record<Layer, number>> {
  const empty = () => Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<Layer, number>;
  const result: Record<ProcessRole, Record<Layer, number>> = {
    program: empty(),
    "dynamic-provider host": empty(),
    plugin: empty(),
    other: empty(),
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const pid = file.split("-")[0];
    const { argv } = JSON.parse(readFileSync(path.join(dir, `${pid}.json`), "utf8")) as { argv: string[] };
    const layers = profileByLayer(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
    const into = result[roleOf(argv)];
    for (const layer of LAYERS) into[layer] += layers[layer];
  }
  return result;
}
