import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildNamespace, findNode, type OscQueryNode } from '../osc/oscquery';

/**
 * The HTTP side of OSCQuery: `GET /` (or any path) answers the namespace node as JSON,
 * `GET /?HOST_INFO` the host info, `GET /path?ATTRIBUTE` one attribute of a node.
 */
export interface HostInfo {
  NAME: string;
  OSC_IP?: string;
  OSC_PORT?: number;
  OSC_TRANSPORT?: 'UDP';
  WS_IP: string;
  WS_PORT: number;
  EXTENSIONS: Record<string, boolean>;
}

export function hostInfo(udp: { host: string; port: number } | undefined, ws: { host: string; port: number }): HostInfo {
  return {
    NAME: 'mirrorbridge',
    ...(udp ? { OSC_IP: udp.host, OSC_PORT: udp.port, OSC_TRANSPORT: 'UDP' as const } : {}),
    WS_IP: ws.host,
    WS_PORT: ws.port,
    EXTENSIONS: {
      ACCESS: true,
      VALUE: false,
      RANGE: true,
      DESCRIPTION: true,
      TAGS: false,
      EXTENDED_TYPE: false,
      UNIT: false,
      CRITICAL: false,
      CLIPMODE: false,
      LISTEN: true,
      PATH_CHANGED: false,
      PATH_RENAMED: false,
      PATH_ADDED: false,
      PATH_REMOVED: false,
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** Answers one HTTP request; `paramNames` are those of the loaded models, `info` the host info. */
export function serveOscQuery(req: IncomingMessage, res: ServerResponse, paramNames: readonly string[], info: HostInfo, headers: Record<string, string>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'only GET' }, { ...headers, Allow: 'GET, HEAD' });
    return;
  }
  let url: URL;
  let path: string;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
    path = decodeURIComponent(url.pathname);
  } catch {
    sendJson(res, 400, { error: 'bad URL' }, headers);
    return;
  }
  const query = [...url.searchParams.keys()][0];
  if (query === 'HOST_INFO') {
    sendJson(res, 200, info, headers);
    return;
  }
  const node = findNode(buildNamespace(paramNames), path);
  if (!node) {
    sendJson(res, 404, { error: `no OSC address ${path}` }, headers);
    return;
  }
  if (query === undefined) {
    sendJson(res, 200, node, headers);
    return;
  }
  const value = node[query as keyof OscQueryNode];
  if (value === undefined) sendJson(res, 204, undefined, headers);
  else sendJson(res, 200, { [query]: value }, headers);
}
