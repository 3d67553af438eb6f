/**
 * Self-signed certificate for the Redfish simulator, generated with the
 * machine's openssl (no npm dependency, nothing downloaded).
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SimCertificate {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, hex, colon-separated, upper-case (what the client pins). */
  fingerprint: string;
}

export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.toUpperCase();
}

export function generateSelfSignedCert(commonName = "bmc-sim"): SimCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), "redfish-sim-cert-"));
  try {
    const keyPath = path.join(dir, "key.pem");
    const certPath = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", `/CN=${commonName}`, "-keyout", keyPath, "-out", certPath,
      ],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 },
    );
    const key = readFileSync(keyPath, "utf8");
    const cert = readFileSync(certPath, "utf8");
    return { key, cert, fingerprint: certificateFingerprint(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
