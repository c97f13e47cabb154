/**
 * Validates emulator responses against the official OpenAPI spec with ajv. Nothing of the spec is
 * copied: it is read at test time from `../shared/reference/containerregistry-openapi.yaml` (relative to
 * the repository root) or from `IONOS_OPENAPI_SPEC`, and the schema for each (method, path, status) is
 * found through the spec's own `paths`.
 *
 * One deliberate exception: the v1.0 spec's `RegistriesResponse` requires `nextPageToken` and `limit`,
 * which the current API replaced with `pagination: {limit, token}`. The emulator follows the current API,
 * so `registriesGet` 200 is validated against the `RegistriesResponse` of the Java-SDK copy of the spec
 * that sits beside it (`containerregistry-openapi.java-sdk-v1.0.0.yaml`), which has the current shape.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { RecordedResponse } from "./emulatorRecorder";

/** The API path prefix that the spec's server URL carries. */
const PREFIX = "/containerregistries";
const CURRENT_REGISTRIES_FILE = "containerregistry-openapi.java-sdk-v1.0.0.yaml";

type Operation = { operationId?: string; responses?: Record<string, Response> };
type Response = {
  content?: Record<string, { schema?: { $ref?: string } }>;
  headers?: Record<string, unknown>;
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

/** The repository root: the nearest folder above this file with a package.json. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Where the spec is expected. */
export function specPath(): string {
  return (
    process.env.IONOS_OPENAPI_SPEC ??
    path.resolve(repoRoot(), "../shared/reference/containerregistry-openapi.yaml")
  );
}

/** What the spec says about one response. */
export interface SpecTarget {
  operationId: string | undefined;
  /** The spec path template, e.g. `/registries/{registryId}/tokens`, or undefined for an unknown path. */
  template: string | undefined;
  /** Statuses the spec documents for the operation. */
  documented: string[];
}

/** A loaded spec. */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Notes about what could not be checked (e.g. a missing Java-SDK copy). */
  readonly notes: string[] = [];
  private readonly hasCurrentRegistries: boolean;

  /** @param spec - the parsed main spec; @param current - the parsed Java-SDK copy, if found */
  constructor(
    readonly spec: Spec,
    current: Spec | undefined,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: "main.json", components: spec.components });
    this.hasCurrentRegistries = current !== undefined;
    if (current !== undefined) this.ajv.addSchema({ $id: "current.json", components: current.components });
    else
      this.notes.push(
        `${CURRENT_REGISTRIES_FILE} not found: registriesGet 200 bodies are not schema-checked`,
      );
  }

  /** The spec operation for `method` and a full request path. */
  target(method: string, fullPath: string): SpecTarget {
    const rel = fullPath.startsWith(`${PREFIX}/`) ? fullPath.slice(PREFIX.length) : undefined;
    const template =
      rel === undefined
        ? undefined
        : Object.keys(this.spec.paths).find((t) =>
            new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(rel),
          );
    const op = template === undefined ? undefined : this.spec.paths[template]?.[method.toLowerCase()];
    return { operationId: op?.operationId, template, documented: Object.keys(op?.responses ?? {}) };
  }

  /** Problems of one recorded response against the spec (empty when it conforms). */
  check(r: RecordedResponse): string[] {
    const t = this.target(r.method, r.path);
    const op = t.template === undefined ? undefined : this.spec.paths[t.template]?.[r.method.toLowerCase()];
    const documented = op?.responses?.[String(r.status)];
    const problems: string[] = [];
    if (documented === undefined && r.status < 400) problems.push(`status ${r.status} is not documented`);
    if (documented?.headers?.Location !== undefined && r.headers.location === undefined) {
      problems.push("the documented Location header is missing");
    }
    if (r.method === "HEAD") return problems; // HEAD answers never carry a body
    const ref = this.schemaRef(r, op, documented);
    if (ref === null) {
      if (r.text !== "") problems.push(`expected no body, got ${r.text.slice(0, 80)}`);
      return problems;
    }
    if (ref === undefined) return problems;
    if (!(r.headers.contentType ?? "").startsWith("application/json"))
      problems.push("Content-Type is not JSON");
    let body: unknown;
    try {
      body = JSON.parse(r.text);
    } catch {
      return [...problems, `body is not JSON: ${r.text.slice(0, 80)}`];
    }
    const validate = this.compile(ref);
    if (!validate(body)) {
      problems.push(
        ...(validate.errors ?? []).map((e) => `${ref.split("/").pop()}${e.instancePath} ${e.message}`),
      );
    }
    return problems;
  }

  /** A `$ref` into the loaded specs; null for "no body"; undefined for "cannot check". */
  private schemaRef(
    r: RecordedResponse,
    op: Operation | undefined,
    documented: Response | undefined,
  ): string | null | undefined {
    if (op?.operationId === "registriesGet" && r.status === 200) {
      return this.hasCurrentRegistries ? "current.json#/components/schemas/RegistriesResponse" : undefined;
    }
    if (documented !== undefined) {
      const ref = documented.content?.["application/json"]?.schema?.$ref;
      return ref === undefined ? null : `main.json${ref}`;
    }
    if (r.status >= 400) {
      // Undocumented error statuses (401, 404, 405, 413, 415, 429, 5xx) use the schema the spec gives the
      // operation's 400 response, or, off the spec's paths, the ApiErrorResponse schema by name.
      const ref = op?.responses?.["400"]?.content?.["application/json"]?.schema?.$ref;
      if (ref !== undefined) return `main.json${ref}`;
      if (this.spec.components.schemas.ApiErrorResponse === undefined)
        throw new Error("spec lacks ApiErrorResponse");
      return "main.json#/components/schemas/ApiErrorResponse";
    }
    return undefined;
  }

  private compile(ref: string): ValidateFunction {
    let fn = this.compiled.get(ref);
    if (fn === undefined) {
      fn = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, fn);
    }
    return fn;
  }
}

/** Loads the spec, or says why it cannot. */
export function loadSpecValidator(): { validator: SpecValidator } | { skipped: string } {
  const file = specPath();
  if (!fs.existsSync(file)) {
    return { skipped: `OpenAPI spec not found at ${file} (set IONOS_OPENAPI_SPEC to check conformance)` };
  }
  const spec = parseYaml(fs.readFileSync(file, "utf8")) as Spec;
  const currentFile = path.join(path.dirname(file), CURRENT_REGISTRIES_FILE);
  const current = fs.existsSync(currentFile)
    ? (parseYaml(fs.readFileSync(currentFile, "utf8")) as Spec)
    : undefined;
  return { validator: new SpecValidator(spec, current) };
}
