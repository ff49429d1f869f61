import { AddressInfo } from 'node:net';
import express from 'express';

/**
 * A registry that speaks the OCI distribution API's token dance: manifests
 * need a bearer token from /token, which is granted for pull scope.
 */
export async function startRegistry(
  tags: Record<string, string[]>,
  password?: string,
) {
  const app = express();
  const seen: string[] = [];
  let base = '';
  app.get('/token', (req, res) => {
    seen.push(`token ${req.query.scope}`);
    if (password) {
      const expected = `Basic ${Buffer.from(`ci:${password}`).toString(
        'base64',
      )}`;
      if (req.header('authorization') !== expected) {
        res.status(401).json({ errors: [{ code: 'UNAUTHORIZED' }] });
        return;
      }
    }
    res.json({ token: `t-${req.query.scope}` });
  });
  app.head(/^\/v2\/(.+)\/manifests\/([^/]+)$/, (req, res) => {
    const [name, reference] = [
      req.params[0],
      decodeURIComponent(req.params[1]),
    ];
    seen.push(`HEAD ${name}:${reference}`);
    if (req.header('authorization') !== `Bearer t-repository:${name}:pull`) {
      res
        .status(401)
        .set(
          'WWW-Authenticate',
          `Bearer realm="${base}/token",service="test-registry",scope="repository:${name}:pull"`,
        )
        .end();
      return;
    }
    if (!(tags[name] ?? []).includes(reference)) {
      res.status(404).end();
      return;
    }
    res
      .set('Content-Type', 'application/vnd.oci.image.index.v1+json')
      .set('Docker-Content-Digest', `sha256:${'0'.repeat(64)}`)
      .status(200)
      .end();
  });
  const server = app.listen(0);
  await new Promise(r => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return { host: `127.0.0.1:${port}`, seen, close: () => server.close() };
}
