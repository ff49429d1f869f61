import { Server } from 'node:http';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * The routes a running backend serves, read from its Express stack: every
 * route layer (method and path) of every router mounted anywhere below the
 * app that handles `server`'s requests. Mount prefixes are regular
 * expressions in Express 4, so paths are as the router declared them,
 * relative to its mount point.
 */
export function expressRoutes(
  server: Server,
): Array<{ method: string; path: string }> {
  const app = server.listeners('request')[0] as unknown as {
    _router?: { stack: Layer[] };
  };
  const found: Array<{ method: string; path: string }> = [];
  const seen = new Set<unknown>();
  const walk = (stack: Layer[] | undefined) => {
    if (!stack || seen.has(stack)) return;
    seen.add(stack);
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as string[]).concat(layer.route.path);
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          for (const path of paths) {
            found.push({ method: method.toUpperCase(), path });
          }
        }
      } else {
        walk(layer.handle?.stack);
      }
    }
  };
  walk(app._router?.stack);
  return found;
}
