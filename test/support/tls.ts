/**
 * Trusting the ARM test server's CA in tests. In-process: tls.setDefaultCACertificates (Node ≥ 22.19)
 * with the default CAs plus the test CA, which fetch/undici and core-rest-pipeline's Node client both
 * use. Child processes: NODE_EXTRA_CA_CERTS pointing at a PEM file. Product code never weakens TLS.
 */
import { writeFileSync } from "node:fs";
import * as tls from "node:tls";

const trusted = new Set<string>();

export function trustTestCa(pem: string): void {
  if (typeof tls.setDefaultCACertificates !== "function") {
    throw new Error(`tls.setDefaultCACertificates needs Node >= 22.19; this is ${process.version}`);
  }
  if (trusted.has(pem)) return;
  trusted.add(pem);
  const defaults = tls.getCACertificates("default");
  tls.setDefaultCACertificates([...defaults, ...trusted]);
}

/** Environment for a child process to trust the CA: writes the PEM to `file` when given. */
export function childProcessCaEnv(caCertFile: string): Record<string, string>;
export function childProcessCaEnv(pem: string, file: string): Record<string, string>;
export function childProcessCaEnv(a: string, file?: string): Record<string, string> {
  if (file) {
    writeFileSync(file, a);
    return { NODE_EXTRA_CA_CERTS: file };
  }
  return { NODE_EXTRA_CA_CERTS: a };
}
