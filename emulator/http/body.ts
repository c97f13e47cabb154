/**
 * Reading and parsing request bodies: a size limit (413), `application/json` only (415), a body that
 * is required and must be well-formed JSON (400). An oversized body is read to its end and discarded, so
 * the client gets a clean 413 instead of a broken pipe, while memory stays bounded by the limit.
 */
import type { IncomingMessage } from "node:http";
import { badRequest, payloadTooLarge, unsupportedMediaType } from "../errors";

/**
 * Reads the whole body, keeping at most `maxBytes`.
 * @throws ApiProblem 413 when the body is larger than `maxBytes`
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () =>
      size > maxBytes ? reject(payloadTooLarge(maxBytes)) : resolve(Buffer.concat(chunks)),
    );
    // A client that hangs up mid-body cannot be answered; a 400 keeps it out of the internal-error path.
    req.on("error", () => reject(badRequest("the request body was not received completely")));
  });
}

/** True when the Content-Type is `application/json`, optionally with `charset=utf-8`. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = "", ...params] = header.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p));
}

/**
 * Parses a JSON request body.
 * @throws ApiProblem 400 when empty or malformed, 415 when the Content-Type is not JSON
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) throw badRequest("a JSON request body is required");
  if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
  try {
    // `fatal` turns invalid UTF-8 into an error instead of silently inserting U+FFFD.
    const text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("the request body is not valid UTF-8 JSON");
  }
}
