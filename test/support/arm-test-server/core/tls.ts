/** A throwaway CA and a localhost server certificate it signs, made when the server starts. */
import { randomBytes } from "node:crypto";
import { generate } from "selfsigned";

export interface TestCertificates {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
  // A unique CA name per server: several servers in one process (each trusted in turn) must not be
  // confused by a verifier that looks issuers up by name.
  const ca = await generate([{ name: "commonName", value: `azure-mlflow-lab ARM test server CA ${randomBytes(6).toString("hex")}` }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  return { caCertPem: ca.cert, certPem: leaf.cert, keyPem: leaf.private };
}
