import forge from 'node-forge';
import {
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** PEM texts the proxy's TLS listener serves and kubeconfigs trust. */
export interface ProxyTlsCertificates {
  caCertificate: string;
  serverCertificate: string;
  serverKey: string;
}

export const CA_CERTIFICATE_FILE = 'ca.crt';
const CA_KEY_FILE = 'ca.key';
const SERVER_CERTIFICATE_FILE = 'server.crt';
const SERVER_KEY_FILE = 'server.key';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 10 * 365;
const SERVER_VALIDITY_DAYS = 365;
// Reissued at start-up when less than this remains, so a running portal never expires mid-use.
const RENEW_WITHIN_MS = 30 * DAY_MS;
// Names kubectl may dial on this machine, whatever the configured host.
const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];

interface KeyPair {
  pem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

// Node's native RSA generation: node-forge's own takes seconds in JavaScript.
function newKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, _publicPem, pem) => {
        if (error) {
          reject(error);
          return;
        }
        const privateKey = forge.pki.privateKeyFromPem(pem);
        resolve({
          pem,
          privateKey,
          publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e),
        });
      },
    ),
  );
}

// Positive and without a leading zero byte: Go's x509 parser refuses other encodings.
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number) {
  // An hour back, for clocks a little behind this one.
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
}

async function createCa(): Promise<{ certificate: string; key: string }> {
  const keys = await newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, CA_VALIDITY_DAYS);
  const subject = [
    { name: 'commonName', value: 'GPU Fleet local Kubernetes proxy CA' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    {
      name: 'basicConstraints',
      cA: true,
      pathLenConstraint: 0,
      critical: true,
    },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(cert), key: keys.pem };
}

async function issueServerCertificate(
  ca: { certificate: string; key: string },
  names: string[],
): Promise<{ certificate: string; key: string }> {
  const caCert = forge.pki.certificateFromPem(ca.certificate);
  const keys = await newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, SERVER_VALIDITY_DAYS);
  cert.setSubject([{ name: 'commonName', value: names[0] }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map(name =>
        net.isIP(name) ? { type: 7, ip: name } : { type: 2, value: name },
      ),
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(cert), key: keys.pem };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// Written beside and renamed, so a crash mid-write never leaves half a key.
async function writeAtomically(file: string, content: string, mode: number) {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, content, { mode });
  await fs.rename(temporary, file);
}

function expiresSoon(cert: X509Certificate): boolean {
  return new Date(cert.validTo).getTime() - Date.now() < RENEW_WITHIN_MS;
}

function usable(
  ca: X509Certificate,
  certificate: string | undefined,
  key: string | undefined,
  names: string[],
): boolean {
  if (!certificate || !key) return false;
  try {
    const cert = new X509Certificate(certificate);
    return (
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(key)) &&
      !expiresSoon(cert) &&
      names.every(name =>
        net.isIP(name)
          ? cert.checkIP(name) !== undefined
          : cert.checkHost(name) !== undefined,
      )
    );
  } catch {
    // Unreadable: issue a new one; only the CA is worth keeping.
    return false;
  }
}

/**
 * The local proxy's CA, created once in `directory` and reused on every
 * start so kubeconfigs handed out earlier keep verifying, and a server
 * certificate it signed for localhost, 127.0.0.1, ::1 and `hosts`
 * (reissued when a name is missing or it nears expiry).
 */
export async function loadOrCreateCertificates(
  directory: string,
  hosts: string[],
): Promise<ProxyTlsCertificates> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(directory, name);

  let caCertificate = await readIfPresent(file(CA_CERTIFICATE_FILE));
  let caKey = await readIfPresent(file(CA_KEY_FILE));
  let ca: X509Certificate | undefined;
  if (caCertificate || caKey) {
    try {
      ca = new X509Certificate(caCertificate ?? '');
      if (!ca.checkPrivateKey(createPrivateKey(caKey ?? ''))) {
        throw new Error('the key does not match the certificate');
      }
    } catch (error) {
      // Replacing it silently would break every kubeconfig that trusts it.
      throw new Error(
        `${directory}: cannot use the proxy's CA in ${CA_CERTIFICATE_FILE} and ${CA_KEY_FILE} (${
          (error as Error).message
        }); delete the directory to generate a new CA`,
      );
    }
  }
  if (!ca || !caCertificate || !caKey || expiresSoon(ca)) {
    const created = await createCa();
    caCertificate = created.certificate;
    caKey = created.key;
    ca = new X509Certificate(caCertificate);
    await writeAtomically(file(CA_KEY_FILE), caKey, 0o600);
    await writeAtomically(file(CA_CERTIFICATE_FILE), caCertificate, 0o644);
  }

  const names = [...new Set([...LOCAL_NAMES, ...hosts])];
  let serverCertificate = await readIfPresent(file(SERVER_CERTIFICATE_FILE));
  let serverKey = await readIfPresent(file(SERVER_KEY_FILE));
  if (!usable(ca, serverCertificate, serverKey, names)) {
    const issued = await issueServerCertificate(
      { certificate: caCertificate, key: caKey },
      names,
    );
    serverCertificate = issued.certificate;
    serverKey = issued.key;
    await writeAtomically(file(SERVER_KEY_FILE), serverKey, 0o600);
    await writeAtomically(
      file(SERVER_CERTIFICATE_FILE),
      serverCertificate,
      0o644,
    );
  }
  return {
    caCertificate,
    serverCertificate: serverCertificate!,
    serverKey: serverKey!,
  };
}
