import { defineStack, each, V } from './api.js';

export default defineStack({
  id: 'envoy',
  name: 'Envoy',
  kind: 'proxy',
  version: 'Envoy 1.3x',
  signals: [
    { says: '`server: envoy`', header: ['server', /^envoy$/i] },
    { says: '`x-envoy-upstream-service-time`', header: ['x-envoy-upstream-service-time', /^\d+$/] },
    { says: '`Via: … envoy`', header: ['via', /\benvoy\b/i] },
    {
      says: "Envoy's own error body (`upstream connect error…`, `no healthy upstream`)",
      body: /^(upstream connect error or disconnect\/reset before headers|no healthy upstream|upstream request timeout)/,
    },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: 'Add the buffer filter with a max_request_bytes cap (Envoy answers 413).',
      language: 'yaml',
      snippet: `http_filters:
  - name: envoy.filters.http.buffer
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer
      max_request_bytes: 1048576`,
    }),
    ...each([...V.headerSize, ...V.urlSize], {
      fix: 'Set max_request_headers_kb on the HTTP connection manager (Envoy answers 431).',
      language: 'yaml',
      snippet: `typed_config:
  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
  max_request_headers_kb: 16`,
    }),
    ...each(V.requestId, {
      fix: "Envoy makes x-request-id for requests without one; keep the caller's and return it to the client.",
      language: 'yaml',
      snippet: `preserve_external_request_id: true
always_set_request_id_in_response: true`,
    }),
    ...each(V.versionHeader, {
      fix: "Don't send Envoy's server header.",
      language: 'yaml',
      snippet: 'server_header_transformation: PASS_THROUGH  # Envoy adds no Server header of its own',
    }),
    ...each(V.background, {
      fix: 'A route timeout only hides slow work: keep it short so slow endpoints surface, and queue the work in the service.',
      language: 'yaml',
      snippet: 'route: { cluster: api, timeout: 10s }',
    }),
    ...each(V.requestLogs, {
      fix: "Give the HTTP connection manager a JSON access log with the x-request-id Envoy passes upstream, method, path, status and duration; the error behind a 5xx is the app's to log, with the same id.",
      language: 'yaml',
      snippet: `access_log:
  - name: envoy.access_loggers.stdout
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
      log_format:
        json_format:
          request_id: "%REQ(X-REQUEST-ID)%"
          method: "%REQ(:METHOD)%"
          path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"
          status: "%RESPONSE_CODE%"
          duration_ms: "%DURATION%"
          upstream_host: "%UPSTREAM_HOST%"`,
    }),
    ...each(V.logCredentials, {
      fix: 'Name only the headers the access log needs: never %REQ(AUTHORIZATION)% or %REQ(COOKIE)%; rotate what was logged.',
      language: 'yaml',
      snippet: `json_format:
  request_id: "%REQ(X-REQUEST-ID)%"
  # not: authorization: "%REQ(AUTHORIZATION)%", cookie: "%REQ(COOKIE)%"`,
    }),
  },
});
