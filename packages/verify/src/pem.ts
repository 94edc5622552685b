/**
 * PEM checks for CA bundles, client certificates and keys, so a wrong file fails at startup with a clear message
 * instead of as an obscure TLS error on the first request.
 *
 * @module
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Returns `data` if it holds at least one PEM certificate and every certificate block parses.
 *
 * @param label - names the source in the error, e.g. `certificate-authority "/etc/ca.crt"`.
 * @throws {@link ConfigError} `ERR_INVALID_PEM`.
 */
export function assertPemCertificates(data: string | Buffer, label: string): Buffer {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const text = buf.toString('latin1');
  const blocks = text.match(CERT_BLOCK);
  if (!blocks) throw new ConfigError('ERR_INVALID_PEM', `${label} is not a PEM certificate (no "BEGIN CERTIFICATE")`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new ConfigError('ERR_INVALID_PEM', `${label} holds a PEM certificate that does not parse`, { cause: err });
    }
  }
  return buf;
}

/**
 * Returns `data` if it is a PEM private key that node:crypto can load.
 *
 * @throws {@link ConfigError} `ERR_INVALID_PEM`.
 */
export function assertPemPrivateKey(data: string | Buffer, label: string): Buffer {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(buf.toString('latin1'))) {
    throw new ConfigError('ERR_INVALID_PEM', `${label} is not a PEM private key (no "BEGIN ... PRIVATE KEY")`);
  }
  try {
    createPrivateKey(buf);
  } catch (err) {
    throw new ConfigError('ERR_INVALID_PEM', `${label} holds a PEM private key that does not parse`, { cause: err });
  }
  return buf;
}

/**
 * Reads a file for the connection settings.
 *
 * @throws {@link ConfigError} `ERR_FILE_UNREADABLE` naming `label` and the path.
 */
export function readConfigFile(path: string, label: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError('ERR_FILE_UNREADABLE', `cannot read ${label} "${path}": ${reason}`, { cause: err });
  }
}
