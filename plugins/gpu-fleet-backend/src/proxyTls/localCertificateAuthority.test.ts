import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateCertificates } from './localCertificateAuthority';

describe('loadOrCreateCertificates', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-ca-')),
      'proxy-tls',
    );
  });
  afterEach(() =>
    fs.rmSync(path.dirname(dir), { recursive: true, force: true }),
  );

  const files = () =>
    Object.fromEntries(
      fs
        .readdirSync(dir)
        .sort()
        .map(name => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
    );

  it('creates a CA once and reuses it, with the same files, on the next start', async () => {
    const first = await loadOrCreateCertificates(dir, ['localhost']);
    expect(Object.keys(files())).toEqual([
      'ca.crt',
      'ca.key',
      'server.crt',
      'server.key',
    ]);
    const written = files();
    // Private keys are for this user only.
    expect(fs.statSync(path.join(dir, 'ca.key')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dir, 'server.key')).mode & 0o077).toBe(0);

    const second = await loadOrCreateCertificates(dir, ['localhost']);
    expect(files()).toEqual(written);
    expect(new X509Certificate(second.caCertificate).fingerprint256).toBe(
      new X509Certificate(first.caCertificate).fingerprint256,
    );
    expect(second.serverCertificate).toBe(first.serverCertificate);
  });

  it('issues a server certificate from that CA for localhost, 127.0.0.1 and the configured host', async () => {
    const { caCertificate, serverCertificate } = await loadOrCreateCertificates(
      dir,
      ['gpu-fleet.internal'],
    );
    const ca = new X509Certificate(caCertificate);
    const server = new X509Certificate(serverCertificate);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('gpu-fleet.internal')).toBe('gpu-fleet.internal');
    expect(server.checkHost('elsewhere.example')).toBeUndefined();
  });

  it('keeps the CA but issues a new server certificate when the host changes', async () => {
    const before = await loadOrCreateCertificates(dir, ['localhost']);
    const after = await loadOrCreateCertificates(dir, ['portal.lan']);
    expect(after.caCertificate).toBe(before.caCertificate);
    expect(after.serverCertificate).not.toBe(before.serverCertificate);
    expect(
      new X509Certificate(after.serverCertificate).checkHost('portal.lan'),
    ).toBe('portal.lan');
  });

  it('refuses a damaged CA instead of replacing the one kubeconfigs trust', async () => {
    await loadOrCreateCertificates(dir, ['localhost']);
    fs.writeFileSync(path.join(dir, 'ca.key'), 'not a key');
    await expect(loadOrCreateCertificates(dir, ['localhost'])).rejects.toThrow(
      /cannot use the proxy's CA in ca\.crt and ca\.key .*delete the directory to generate a new CA/,
    );
  });
});
