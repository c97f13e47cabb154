/**
 * The token server's signing key: an ECDSA P-256 key pair made when the emulator starts, the self-signed
 * certificate Docker Distribution trusts (`auth.token.rootcertbundle`), and the key id it looks tokens up by.
 *
 * The certificate is assembled here from a few DER elements rather than with a certificate library: its shape
 * is fixed (one subject, no extensions), Node's crypto makes the key and the signature, and a runtime
 * dependency of several hundred kilobytes for ~40 lines was not worth it. Distribution 2.8 reads only the
 * public key from it; tests parse it with Node's `X509Certificate` and let the real registry trust it.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

/** A signing key and what a registry needs to trust it. */
export interface SigningKey {
  /** The private key (never written anywhere but memory). */
  privateKey: KeyObject;
  /** The self-signed certificate of the public key, PEM. */
  certificatePem: string;
  /** The key id Distribution derives from the public key (libtrust format), sent as the JWT `kid`. */
  keyId: string;
}

/** The certificate's subject and issuer common name. */
export const CERTIFICATE_NAME = "ionos-registry-emulator token signer";

/** Makes a fresh key pair and its certificate, valid from a day ago for ten years. */
export function createSigningKey(now: Date = new Date()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const day = 86_400_000;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])), // positive 16-byte serial
    ECDSA_WITH_SHA256,
    name(CERTIFICATE_NAME),
    sequence(
      generalizedTime(new Date(now.getTime() - day)),
      generalizedTime(new Date(now.getTime() + 3650 * day)),
    ),
    name(CERTIFICATE_NAME),
    spki,
  );
  const signature = sign("sha256", tbs, privateKey); // DER-encoded ECDSA signature, as X.509 wants it
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const base64 = certificate.toString("base64").replace(/.{1,64}/g, "$&\n");
  return {
    privateKey,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`,
    keyId: libtrustKeyId(spki),
  };
}

/**
 * The key id Docker's libtrust computes for a public key: SHA-256 of its DER SubjectPublicKeyInfo, the first
 * 30 bytes in unpadded base32, in 12 groups of 4 joined by `:`.
 */
export function libtrustKeyId(spkiDer: Buffer): string {
  const digest = createHash("sha256").update(spkiDer).digest().subarray(0, 30);
  return base32(digest).match(/.{4}/g)!.join(":");
}

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

// DER: tag, length, content.
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
function sequence(...items: Buffer[]): Buffer {
  return der(0x30, Buffer.concat(items));
}
function explicit(tagNumber: number, item: Buffer): Buffer {
  return der(0xa0 + tagNumber, item);
}
function integer(bytes: Buffer): Buffer {
  return der(0x02, bytes);
}
function bitString(bytes: Buffer): Buffer {
  return der(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}
function oid(encoded: number[]): Buffer {
  return der(0x06, Buffer.from(encoded));
}
function generalizedTime(date: Date): Buffer {
  const text = date
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d+Z$/, "Z"); // YYYYMMDDHHMMSSZ
  return der(0x18, Buffer.from(text, "ascii"));
}
/** A Name with one common name. */
function name(commonName: string): Buffer {
  const COMMON_NAME = oid([0x55, 0x04, 0x03]); // 2.5.4.3
  return sequence(der(0x31, sequence(COMMON_NAME, der(0x0c, Buffer.from(commonName, "utf8")))));
}
/** AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), without parameters. */
const ECDSA_WITH_SHA256 = sequence(oid([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
