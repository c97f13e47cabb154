/**
 * Removes the Authenticode signature of a PE32+ executable.
 *
 * Why: the official `node.exe` is signed by the Node.js project. `node --build-sea` adds the plugin as a resource
 * and rewrites the file, moving the signature's bytes to the end while the header's certificate-table entry keeps
 * pointing at the old place — a malformed signature over bytes it no longer matches. An unsigned executable is
 * the honest result (Windows runs unsigned executables; it reports a broken signature as tampering).
 */

/** WIN_CERTIFICATE: revision 2.0, type PKCS#7 SignedData (the only kind Authenticode writes). */
const WIN_CERT_REVISION_2_0 = 0x0200;
const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
const PE32_PLUS_MAGIC = 0x20b;
/** Offset of the certificate-table data directory entry from the PE signature (PE32+: 4 + 20 + 112 + 4 × 8). */
const CERTIFICATE_DIRECTORY_OFFSET = 168;

/** Where the signature's WIN_CERTIFICATE lies: the directory's place, else a trailing one of the same length. */
function trailingCertificate(file: Buffer, length: number): number | undefined {
  const padded = Math.ceil(length / 8) * 8;
  for (const start of [file.length - length, file.length - padded]) {
    if (
      start > 0 &&
      file.readUInt32LE(start) === length &&
      file.readUInt16LE(start + 4) === WIN_CERT_REVISION_2_0 &&
      file.readUInt16LE(start + 6) === WIN_CERT_TYPE_PKCS_SIGNED_DATA
    ) {
      return start;
    }
  }
  return undefined;
}

/**
 * Returns `input` (a PE32+ file) without its Authenticode signature: the certificate-table entry zeroed and the
 * certificate's bytes cut from the end of the file. An unsigned file comes back unchanged.
 */
export function removeAuthenticode(input: Buffer): Buffer {
  if (input.toString("latin1", 0, 2) !== "MZ") throw new Error("not a PE file (no MZ header)");
  const pe = input.readUInt32LE(0x3c);
  if (input.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("not a PE file (no PE signature)");
  if (input.readUInt16LE(pe + 24) !== PE32_PLUS_MAGIC) throw new Error("not a PE32+ file");
  const entry = pe + CERTIFICATE_DIRECTORY_OFFSET;
  const length = input.readUInt32LE(entry + 4);
  if (length === 0) return input;
  const start = trailingCertificate(input, length);
  if (start === undefined) throw new Error("the signature's bytes are not at the end of the file");
  const output = Buffer.from(input.subarray(0, start));
  output.writeUInt32LE(0, entry);
  output.writeUInt32LE(0, entry + 4);
  return output;
}
