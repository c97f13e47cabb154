/**
 * Who may use the out-of-band admin routes (`/_emulator/…`), which change state without API credentials:
 * with an admin token configured, whoever sends it as `Authorization: Bearer <token>`; without one, loopback
 * clients only. So binding `--host 0.0.0.0` never hands the network a way to delete registries or inject
 * faults.
 */
import type { IncomingMessage } from "node:http";
import { ApiProblem, ERROR_CODES, unauthorized } from "../errors";
import { sameSecret } from "./auth";

/**
 * Checks an admin request.
 * @throws ApiProblem 401 for a missing or wrong admin token when one is set; 403 for a non-loopback peer when none is
 */
export function checkAdminAccess(req: IncomingMessage, adminToken: string | undefined): void {
  if (adminToken !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? "");
    if (match === null || !sameSecret(match[1] as string, adminToken))
      throw unauthorized("the admin routes need the emulator's --admin-token as a Bearer token");
    return;
  }
  if (!isLoopback(req.socket.remoteAddress)) {
    throw new ApiProblem(
      403,
      ERROR_CODES.forbidden,
      "the admin routes answer loopback clients only; start the emulator with --admin-token to allow others",
    );
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}
