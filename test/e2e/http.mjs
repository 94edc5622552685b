// Raw HTTPS requests to a started kubeauth with the admin client certificate (for exact status codes and bodies).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parse } from 'yaml';

export function adminCredentials(kubeconfigPath) {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
  const user = kc.users[0].user;
  const b64 = (s) => Buffer.from(s, 'base64');
  return {
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
}

/** Resolves {status, headers, body, json} and never rejects on HTTP errors. */
export function call(server, path, { method = 'GET', body, headers = {}, token, anonymous = false, onSent } = {}) {
  const creds = anonymous || token ? {} : adminCredentials(server.kubeconfig);
  return new Promise((resolve, reject) => {
    const u = new URL(server.url);
    // Host and raw path separately: URL() would normalise `..` away before the server sees it.
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method,
        ...creds,
        ca: adminCredentials(server.kubeconfig).ca,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, body: text, json });
        });
      },
    );
    req.on('error', reject);
    // 'finish': the whole request, body included, has been handed to the connection.
    if (onSent) req.on('finish', onSent);
    req.end(body);
  });
}
