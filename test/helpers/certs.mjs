// Certificates for the TLS tests (tls+tcp:// and wss://), made at test time
// with the openssl command line (Debian's openssl package; .ci/run installs
// it) in a fresh temporary directory, removed when the process exits: no
// private key is ever committed. EC P-256 keys, which openssl makes at once.
//
//   ca           the test CA everything good is signed by
//   server       CN localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1 (signed by ca),
//                and DNS:127.0.0.1: mbedTLS 2 (Debian's nng 1.5) checks the
//                URL's host against DNS names only, so nngcat can dial
//                tls+tcp://127.0.0.1:port (node:tls checks the IP entries)
//   wrongHost    SAN DNS:elsewhere.example only (signed by ca): fails the host name check
//   otherCa      an unrelated CA
//   otherServer  the server's names, signed by otherCa: fails verification against ca
//   client       a client certificate (signed by ca)
//   otherClient  a client certificate signed by otherCa
//
// Each leaf has cert/key (PEM text), certFile/keyFile, and bothFile: the
// certificate and key in one PEM file, as nng's NNG_OPT_TLS_CERT_KEY_FILE
// (and so wasmq's tlsCertKeyFile) takes them. A CA has cert, certFile.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolPath } from "./child.mjs";

let made = null;

function openssl(dir, args) {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw new Error(`openssl ${args.join(" ")} failed: ${err.stderr?.toString() || err.message}`);
  }
}

function caNamed(dir, name, cn) {
  openssl(dir, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "3", "-subj", `/CN=${cn}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return { cert: readFileSync(join(dir, `${name}.pem`), "latin1"), certFile: join(dir, `${name}.pem`), name };
}

// A leaf certificate signed by `ca`, with the given subjectAltName and use.
function leaf(dir, name, ca, { cn, san, usage }) {
  openssl(dir, [
    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`,
  ]);
  const ext = [`basicConstraints=CA:FALSE`, `keyUsage=critical,digitalSignature`, `extendedKeyUsage=${usage}`];
  if (san) ext.push(`subjectAltName=${san}`);
  writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
  openssl(dir, [
    "x509", "-req", "-in", `${name}.csr`, "-CA", `${ca.name}.pem`, "-CAkey", `${ca.name}.key`, "-CAcreateserial",
    "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`,
  ]);
  const cert = readFileSync(join(dir, `${name}.pem`), "latin1");
  const key = readFileSync(join(dir, `${name}.key`), "latin1");
  const bothFile = join(dir, `${name}-cert-key.pem`);
  writeFileSync(bothFile, cert + key, { mode: 0o600 });
  chmodSync(join(dir, `${name}.key`), 0o600);
  return { cert, key, certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`), bothFile };
}

/** The test certificates (made once per process). Throws a clear error when openssl is missing. */
export function certs() {
  if (made) return made;
  if (!toolPath("openssl")) throw new Error("the TLS tests need the openssl command (apt-get install openssl)");
  const dir = mkdtempSync(join(tmpdir(), "wasmq-certs-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const ca = caNamed(dir, "ca", "wasmq test CA");
  const otherCa = caNamed(dir, "other-ca", "some other CA");
  const SERVER_NAMES = "DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1,IP:::1";
  made = {
    dir,
    ca,
    otherCa,
    server: leaf(dir, "server", ca, { cn: "localhost", san: SERVER_NAMES, usage: "serverAuth" }),
    wrongHost: leaf(dir, "wrong-host", ca, { cn: "elsewhere.example", san: "DNS:elsewhere.example", usage: "serverAuth" }),
    otherServer: leaf(dir, "other-server", otherCa, { cn: "localhost", san: SERVER_NAMES, usage: "serverAuth" }),
    client: leaf(dir, "client", ca, { cn: "wasmq test client", usage: "clientAuth" }),
    otherClient: leaf(dir, "other-client", otherCa, { cn: "some other client", usage: "clientAuth" }),
  };
  return made;
}

/** A file in the certificates' directory with `text` in it (a broken PEM, a file with no key, ...). */
export function certFile(name, text) {
  const path = join(certs().dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
