import { defineStack, each, V } from './api.js';

export default defineStack({
  id: 'caddy',
  name: 'Caddy',
  kind: 'proxy',
  version: 'Caddy 2.7+',
  signals: [
    { says: '`Server: Caddy`', header: ['server', /^Caddy$/i] },
    { says: '`Via: … Caddy`', header: ['via', /\bCaddy\b/i] },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: 'Cap bodies in the site block; Caddy answers 413 once a body passes max_size.',
      language: 'caddyfile',
      snippet: 'request_body {\n\tmax_size 1MB\n}',
    }),
    ...each([...V.headerSize, ...V.urlSize], {
      fix: 'Cap the request line and headers in the global server options (Caddy answers 431).',
      language: 'caddyfile',
      snippet: '{\n\tservers {\n\t\tmax_header_size 16KB\n\t}\n}',
    }),
    ...each(V.versionHeader, {
      fix: "Drop the Server header (and the upstream's X-Powered-By) on the way out.",
      language: 'caddyfile',
      snippet: 'header {\n\t-Server\n\t-X-Powered-By\n}',
    }),
    ...each(V.adminSurface, {
      fix: 'Refuse admin and internal paths on the public site.',
      language: 'caddyfile',
      snippet: '@internal path /admin* /actuator* /metrics* /debug*\nrespond @internal 404',
    }),
    ...each(V.requestLogs, {
      fix: "Turn on the site's access log: Caddy writes JSON with the request's method, uri and headers (so the X-Request-Id), status and duration; the error behind a 5xx is the app's to log, with the same id.",
      language: 'caddyfile',
      snippet: 'log {\n\toutput file /var/log/caddy/access.json\n\tformat json\n}',
    }),
    ...each(V.logCredentials, {
      fix: 'Caddy redacts Authorization, Cookie and Set-Cookie in access logs unless the log_credentials server option is on: remove it, or filter the fields; rotate what was logged.',
      language: 'caddyfile',
      snippet:
        'log {\n\tformat filter {\n\t\twrap json\n\t\tfields {\n\t\t\trequest>headers>Authorization delete\n\t\t\trequest>headers>Cookie delete\n\t\t}\n\t}\n}\n# and no log_credentials under servers { } in the global options',
    }),
  },
});
