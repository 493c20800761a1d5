import { defineStack, each, V } from './api.js';

export default defineStack({
  id: 'nginx',
  name: 'nginx',
  kind: 'proxy',
  version: 'nginx 1.2x',
  signals: [
    { says: '`Server: nginx`', header: ['server', /^nginx(\/[\d.]+)?/i] },
    {
      says: "nginx's own error page (`<center>nginx</center>`)",
      status: [400, 403, 404, 405, 413, 414, 431, 494, 500, 502, 503, 504],
      body: /<hr><center>nginx(\/[\d.]+)?<\/center>/,
    },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: 'Cap bodies at the proxy; nginx answers 413 before passing anything upstream.',
      language: 'nginx',
      snippet: 'client_max_body_size 1m;',
    }),
    ...each(V.headerSize, {
      fix: 'Cap request headers at the proxy (nginx answers 400/494 when a header line or the total is over).',
      language: 'nginx',
      snippet: 'large_client_header_buffers 4 8k;\nclient_header_buffer_size 1k;',
    }),
    ...each(V.urlSize, {
      fix: 'The request line must fit one large_client_header_buffers buffer; over it nginx answers 414.',
      language: 'nginx',
      snippet: 'large_client_header_buffers 4 8k;',
    }),
    ...each(V.versionHeader, {
      fix: "Stop nginx announcing its version (and drop the upstream's X-Powered-By).",
      language: 'nginx',
      snippet: 'server_tokens off;\nproxy_hide_header X-Powered-By;',
    }),
    ...each(V.requestId, {
      fix: "Pass the caller's id or nginx's own $request_id upstream, log it, and return it.",
      language: 'nginx',
      snippet: `map $http_x_request_id $req_id { default $http_x_request_id; "" $request_id; }
proxy_set_header X-Request-Id $req_id;
add_header X-Request-Id $req_id always;
log_format main '$remote_addr "$request" $status $req_id';`,
    }),
    ...each(V.adminSurface, {
      fix: 'Refuse admin and internal paths on the public server block.',
      language: 'nginx',
      snippet: 'location ~ ^/(admin|actuator|metrics|debug)(/|$) { return 404; }',
    }),
    ...each(V.background, {
      fix: 'A proxy timeout only hides slow work: keep proxy_read_timeout short so slow endpoints surface, and move the work to a queue in the app.',
      language: 'nginx',
      snippet: 'proxy_read_timeout 10s;',
    }),
    ...each(V.requestLogs, {
      fix: "Write the access log as JSON with the request id it passes upstream ($req_id from the request-id map), method, path, status and time; the error behind a 5xx is the app's to log, with the same id.",
      language: 'nginx',
      snippet: `log_format api_json escape=json '{"time":"$time_iso8601","request_id":"$req_id","method":"$request_method",'
                                 '"uri":"$uri","status":$status,"request_time":$request_time,'
                                 '"upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time"}';
access_log /var/log/nginx/access.json api_json;`,
    }),
    ...each(V.logCredentials, {
      fix: 'Log $uri (the path without the query string, where tokens end up) rather than $request or $request_uri, and never $http_authorization or $http_cookie; rotate what was logged.',
      language: 'nginx',
      snippet: `log_format api_json escape=json '{"request_id":"$req_id","method":"$request_method","uri":"$uri","status":$status}';
# not: $request, $request_uri, $args, $http_authorization, $http_cookie`,
    }),
  },
});
