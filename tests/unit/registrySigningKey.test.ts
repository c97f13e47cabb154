import { expect } from "chai";
import { createPublicKey, verify, X509Certificate } from "node:crypto";
import { signJwt } from "../../emulator/registry/jwt";
import { CERTIFICATE_NAME, createSigningKey, libtrustKeyId } from "../../emulator/registry/signingKey";

describe("registry emulation: the token signer", () => {
  const key = createSigningKey(new Date("2030-01-01T00:00:00Z"));

  it("makes a self-signed certificate of its public key that X.509 parsers accept", () => {
    const certificate = new X509Certificate(key.certificatePem);
    expect(certificate.subject).to.equal(`CN=${CERTIFICATE_NAME}`);
    expect(certificate.issuer).to.equal(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).to.equal(true);
    expect(certificate.publicKey.export({ type: "spki", format: "pem" })).to.equal(
      createPublicKey(key.privateKey).export({ type: "spki", format: "pem" }),
    );
    expect(new Date(certificate.validFrom).toISOString()).to.equal("2029-12-31T00:00:00.000Z");
    expect(Date.parse(certificate.validTo)).to.be.greaterThan(Date.parse("2039-01-01"));
  });

  it("derives the key id as libtrust does: base32 of 30 digest bytes in 12 groups of 4", () => {
    expect(key.keyId).to.match(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    // SHA-256 of the empty input (e3b0c442…): its first 30 bytes in base32 groups (computed independently).
    expect(libtrustKeyId(Buffer.alloc(0))).to.equal(
      "4OYM:IQUY:7QOB:JGX3:6TEJ:S35Z:EQT2:4QPE:MSNZ:GTFE:SWMR:W6CS",
    );
  });

  it("signs ES256 JWTs with its kid that the certificate's key verifies", () => {
    const jwt = signJwt({ iss: "i", sub: "s", aud: "a", exp: 2, nbf: 0, iat: 1, jti: "j", access: [] }, key);
    const [header, claims, signature] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).to.deep.equal({
      typ: "JWT",
      alg: "ES256",
      kid: key.keyId,
    });
    expect(JSON.parse(Buffer.from(claims, "base64url").toString())).to.include({ iss: "i", aud: "a" });
    const publicKey = new X509Certificate(key.certificatePem).publicKey;
    const signed = Buffer.from(`${header}.${claims}`);
    const raw = Buffer.from(signature, "base64url");
    expect(raw).to.have.length(64);
    expect(verify("sha256", signed, { key: publicKey, dsaEncoding: "ieee-p1363" }, raw)).to.equal(true);
    expect(
      verify("sha256", Buffer.from("tampered"), { key: publicKey, dsaEncoding: "ieee-p1363" }, raw),
    ).to.equal(false);
  });
});
