/**
 * A secret-leak scanner for tests: register the secrets (token passwords, API credentials) and every artifact
 * a component produced (outputs, error messages, logs, serialized code), then {@link LeakScanner.scan} reports
 * each place a secret shows up — verbatim or in a common encoding (JSON string escaping, URL encoding,
 * base64 at any alignment, hex). Findings never print the secret itself.
 */

/** One occurrence of a secret in an artifact. */
export interface Leak {
  /** The secret's label (e.g. `API token`), never its value. */
  secret: string;
  /** Where it was found (the artifact's source label). */
  source: string;
  /** Which encoding matched: `raw`, `json`, `url`, `base64`, `hex`. */
  form: string;
  /** Character offset in the artifact. */
  offset: number;
}

/** Secrets shorter than this could match by chance; registering one is a test bug. */
export const MIN_SECRET_LENGTH = 6;

interface Needle {
  secret: string;
  form: string;
  text: string;
}

/** Collects secrets and artifacts; scan at the end. */
export class LeakScanner {
  private readonly needles: Needle[] = [];
  private readonly secretLabels = new Set<string>();
  private readonly artifacts: Array<{ source: string; text: string }> = [];

  /**
   * Registers a secret to look for.
   * @throws when the value is shorter than {@link MIN_SECRET_LENGTH} (a scan for it would prove nothing)
   */
  addSecret(label: string, value: string): this {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new Error(`secret "${label}" is too short (${value.length} characters) to scan for`);
    }
    this.secretLabels.add(label);
    for (const [form, text] of encodings(value)) this.needles.push({ secret: label, form, text });
    return this;
  }

  /** Registers something the component produced; non-strings are JSON-encoded (Buffers decoded as UTF-8). */
  addArtifact(source: string, content: unknown): this {
    this.artifacts.push({ source, text: render(content) });
    return this;
  }

  /** How many secrets and artifacts are registered, and how many bytes the artifacts hold. */
  get size(): { secrets: number; artifacts: number; bytes: number } {
    const bytes = this.artifacts.reduce((n, a) => n + Buffer.byteLength(a.text), 0);
    return { secrets: this.secretLabels.size, artifacts: this.artifacts.length, bytes };
  }

  /** Every occurrence of every secret in every artifact. */
  scan(): Leak[] {
    const leaks: Leak[] = [];
    for (const artifact of this.artifacts) {
      for (const needle of this.needles) {
        for (
          let at = artifact.text.indexOf(needle.text);
          at >= 0;
          at = artifact.text.indexOf(needle.text, at + 1)
        ) {
          leaks.push({ secret: needle.secret, source: artifact.source, form: needle.form, offset: at });
        }
      }
    }
    return leaks;
  }
}

/** One line per leak, for an assertion message. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((l) => `${l.secret} in ${l.source} (${l.form}, offset ${l.offset})`).join("\n");
}

/** The forms in which `value` could appear in text. Forms equal to the raw value are not repeated. */
export function encodings(value: string): Array<[string, string]> {
  const forms: Array<[string, string]> = [
    ["raw", value],
    ["json", JSON.stringify(value).slice(1, -1)],
    ["url", encodeURIComponent(value)],
    ["hex", Buffer.from(value).toString("hex")],
    ...base64Cores(Buffer.from(value)).map((core): [string, string] => ["base64", core]),
  ];
  const seen = new Set<string>();
  return forms.filter(([form, text]) => {
    const fresh = (form === "raw" || text !== value) && !seen.has(text) && text.length >= MIN_SECRET_LENGTH;
    seen.add(text);
    return fresh;
  });
}

/**
 * The base64 characters that depend only on `bytes`, for each of the three alignments `bytes` can have inside
 * a longer base64 text (so `Basic base64(user:password)` is found by scanning for the password alone).
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    const first = Math.ceil((pad * 8) / 6);
    const last = Math.floor(((pad + bytes.length) * 8) / 6);
    cores.push(encoded.slice(first, last));
  }
  return cores;
}

function render(content: unknown): string {
  if (typeof content === "string") return content;
  if (Buffer.isBuffer(content)) return content.toString("utf8");
  if (content instanceof Error) return `${content.name}: ${content.message}\n${content.stack ?? ""}`;
  return JSON.stringify(content) ?? String(content);
}
