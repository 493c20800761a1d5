/**
 * Admin, debug and secret paths that turn up on public API hosts, for the admin-surface probe.
 * Each is sent once, anonymously, as a GET (HEAD where fetching the body would be heavy: a heap dump).
 * The kind sets the severity when one answers 2xx: action (it can change things: consoles, job
 * queues, shutdown) and secret (it hands out configuration, credentials, memory or logs) are
 * critical; info (docs, metrics, status) is high.
 *
 * A product-specific entry has a signature: `looksLike` recognises the real product's answer (for a
 * HEAD probe: its "name: value" header lines), so a 2xx without it is a catch-all page, not the
 * resource. Its `positive` sample is what the product really answers and must match; `negative` is
 * a close answer that is not the resource (a catch-all, an error) and must not.
 * test/checks/admin-surface.test.ts serves every sample at its path and checks the verdict.
 * Entries without a signature (generic admin areas) are judged against what an unknown path gets.
 */
export type AdminKind = 'action' | 'secret' | 'info';

export interface AdminSignature {
  looksLike: RegExp;
  positive: string;
  negative: string;
}

export interface AdminPath {
  path: string;
  kind: AdminKind;
  /** What it is, for messages: "Spring Boot actuator env (configuration and secrets)". */
  what: string;
  /** HEAD: only the headers are asked for (the body may be hundreds of MB). Default GET. */
  method?: 'HEAD';
  signature?: AdminSignature;
}

const OPENAPI = /"(swagger|openapi)"\s*:/;
const SPRING_ENV = /"(propertySources|activeProfiles)"/;
const PROMETHEUS = /^# (HELP|TYPE) /m;
const DOTENV = /^\s*[A-Z][A-Z0-9_]*\s*=/m;
const PHPINFO = /PHP Version|phpinfo\(\)/;
const YAML_KEYS = /^\s*[\w-]+\s*:/m;
const PROMETHEUS_API = /"status"\s*:\s*"(success|error)"\s*,\s*"(data|errorType)"\s*:/;
const NOT_FOUND_JSON = '{"error":"not_found","message":"no such route"}';
const CATCH_ALL_HTML = '<!doctype html><html><head><title>Orders</title></head><body><div id="root"></div></body></html>';

const sig = (looksLike: RegExp, positive: string, negative = CATCH_ALL_HTML): AdminSignature => ({ looksLike, positive, negative });

const SPRING_ENV_SAMPLE =
  '{"activeProfiles":["prod"],"propertySources":[{"name":"systemEnvironment","properties":{"DB_PASSWORD":{"value":"******"}}}]}';
const PHPINFO_SAMPLE =
  '<!DOCTYPE html><html><head><title>PHP 8.2.12 - phpinfo()</title></head><body><h1 class="p">PHP Version 8.2.12</h1></body></html>';
const PROMETHEUS_SAMPLE =
  '# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 1027\n';
const SWAGGER_UI_SAMPLE =
  '<!DOCTYPE html><html><head><title>Swagger UI</title><link rel="stylesheet" href="./swagger-ui.css"></head><body><div id="swagger-ui"></div></body></html>';
const OPENAPI_SAMPLE = '{"openapi":"3.0.1","info":{"title":"orders","version":"1"},"paths":{"/admin/recalculate":{"post":{}}}}';
const SWAGGER_SAMPLE = '{"swagger":"2.0","info":{"title":"orders","version":"1"},"paths":{}}';
const DOTENV_SAMPLE = 'APP_ENV=production\nDB_PASSWORD=s3cr3t-value\nSTRIPE_KEY=sk_live_0000\n';
const CONFIG_YAML_SAMPLE = 'spring:\n  datasource:\n    url: jdbc:postgresql://db.internal:5432/orders\n    password: s3cr3t\n';

export const ADMIN_PATHS: readonly AdminPath[] = [
  // Admin panels and back offices.
  { path: '/admin', kind: 'action', what: 'admin area' },
  { path: '/admin/users', kind: 'action', what: 'admin user management' },
  { path: '/admin/jobs', kind: 'action', what: 'admin job control' },
  { path: '/admin/queues', kind: 'action', what: 'queue dashboard (bull-board)' },
  { path: '/admin/config', kind: 'secret', what: 'admin configuration' },
  { path: '/administrator', kind: 'action', what: 'admin area' },
  { path: '/_admin', kind: 'action', what: 'admin area' },
  { path: '/api/admin', kind: 'action', what: 'admin API' },
  { path: '/v1/admin', kind: 'action', what: 'admin API' },
  { path: '/internal', kind: 'action', what: 'internal API' },
  { path: '/api/internal', kind: 'action', what: 'internal API' },
  { path: '/private', kind: 'action', what: 'private API' },
  { path: '/manage', kind: 'action', what: 'management area' },
  { path: '/management', kind: 'action', what: 'management area' },
  { path: '/ops', kind: 'action', what: 'operations area' },
  { path: '/console', kind: 'action', what: 'web console' },
  { path: '/h2-console', kind: 'action', what: 'H2 database console' },
  { path: '/phpmyadmin', kind: 'action', what: 'phpMyAdmin' },
  { path: '/adminer', kind: 'action', what: 'Adminer database admin' },
  { path: '/wp-admin', kind: 'action', what: 'WordPress admin' },
  { path: '/manager/html', kind: 'action', what: 'Tomcat manager' },
  { path: '/jmx-console', kind: 'action', what: 'JBoss JMX console' },
  { path: '/solr/admin', kind: 'action', what: 'Solr admin' },
  { path: '/_utils', kind: 'action', what: 'CouchDB Fauxton' },
  // Whole-database dumps (json-server serves the entire store at /db).
  {
    path: '/db',
    kind: 'secret',
    what: 'whole-database dump',
    signature: sig(
      /^\s*\{\s*"[\w-]{1,100}"\s*:\s*\[/,
      '{"users":[{"id":1,"email":"alice@example.com"}],"orders":[{"id":1,"userId":1}]}',
      '{"error":"database unavailable","code":"db_down"}',
    ),
  },
  // Job queues and schedulers: retry, delete, enqueue.
  { path: '/jobs', kind: 'action', what: 'job control' },
  { path: '/queues', kind: 'action', what: 'queue dashboard' },
  { path: '/sidekiq', kind: 'action', what: 'Sidekiq web UI' },
  { path: '/resque', kind: 'action', what: 'Resque web UI' },
  { path: '/hangfire', kind: 'action', what: 'Hangfire dashboard' },
  { path: '/horizon', kind: 'action', what: 'Laravel Horizon' },
  { path: '/flower', kind: 'action', what: 'Celery Flower' },
  // Spring Boot actuator and JMX.
  {
    path: '/actuator',
    kind: 'info',
    what: 'Spring Boot actuator index',
    signature: sig(
      /"_links"/,
      '{"_links":{"self":{"href":"http://localhost:8080/actuator","templated":false},"health":{"href":"http://localhost:8080/actuator/health"}}}',
    ),
  },
  {
    path: '/actuator/env',
    kind: 'secret',
    what: 'actuator env (configuration and secrets)',
    signature: sig(SPRING_ENV, SPRING_ENV_SAMPLE, '{"status":"UP"}'),
  },
  {
    path: '/actuator/heapdump',
    kind: 'secret',
    what: 'actuator heap dump (memory, with tokens in it)',
    method: 'HEAD',
    signature: sig(
      /^content-type: application\/octet-stream$|^content-disposition: .*hprof/m,
      'content-type: application/octet-stream\ncontent-length: 73400320',
      'content-type: text/html; charset=utf-8\ncontent-length: 96',
    ),
  },
  { path: '/actuator/configprops', kind: 'secret', what: 'actuator configuration properties' },
  { path: '/actuator/httpexchanges', kind: 'secret', what: 'actuator recent requests (with their headers)' },
  { path: '/actuator/httptrace', kind: 'secret', what: 'actuator recent requests (with their headers)' },
  { path: '/actuator/logfile', kind: 'secret', what: 'actuator log file' },
  { path: '/actuator/threaddump', kind: 'info', what: 'actuator thread dump' },
  { path: '/actuator/mappings', kind: 'info', what: 'actuator route list' },
  { path: '/actuator/loggers', kind: 'action', what: 'actuator log levels (changeable)' },
  { path: '/actuator/shutdown', kind: 'action', what: 'actuator shutdown' },
  { path: '/actuator/jolokia', kind: 'action', what: 'Jolokia JMX bridge' },
  { path: '/jolokia', kind: 'action', what: 'Jolokia JMX bridge' },
  { path: '/env', kind: 'secret', what: 'environment dump', signature: sig(SPRING_ENV, SPRING_ENV_SAMPLE, '{"env":"production"}') },
  { path: '/heapdump', kind: 'secret', what: 'heap dump' },
  // Prometheus server: its configuration, flags, every series (federation) and the TSDB admin API.
  {
    path: '/api/v1/status/config',
    kind: 'secret',
    what: 'Prometheus configuration (scrape targets, credentials)',
    signature: sig(
      /"yaml"\s*:\s*"[^"]{0,200}(global|scrape_configs):/,
      '{"status":"success","data":{"yaml":"global:\\n  scrape_interval: 15s\\nscrape_configs:\\n- job_name: api\\n"}}',
      '{"status":"success","data":{"version":"1"}}',
    ),
  },
  {
    path: '/api/v1/status/flags',
    kind: 'info',
    what: 'Prometheus command-line flags',
    signature: sig(
      /"(config\.file|storage\.tsdb\.path|web\.enable-admin-api)"\s*:/,
      '{"status":"success","data":{"config.file":"/etc/prometheus/prometheus.yml","storage.tsdb.path":"/prometheus","web.enable-admin-api":"true"}}',
      '{"status":"success","data":{"flags":[]}}',
    ),
  },
  {
    path: '/federate?match%5B%5D=%7Bjob%3D~%22.%2B%22%7D',
    kind: 'info',
    what: 'Prometheus federation (every series it holds)',
    signature: sig(
      /^# TYPE \w+ \w+$|^\w+\{[^}\n]{0,300}\} [-+\d.eE]+( \d+)?$/m,
      '# TYPE up untyped\nup{instance="db.internal:9100",job="node"} 1 1717000000000\n',
      'federation is disabled',
    ),
  },
  // Read-only probes of the TSDB admin API (it takes POST/PUT): a GET answers 405, or its JSON envelope.
  {
    path: '/api/v1/admin/tsdb/snapshot',
    kind: 'action',
    what: 'Prometheus TSDB admin API (snapshot)',
    signature: sig(
      PROMETHEUS_API,
      '{"status":"success","data":{"name":"20260101T000000Z-1a2b3c4d5e6f7a8b"}}',
      '{"error":"method not allowed"}',
    ),
  },
  {
    path: '/api/v1/admin/tsdb/delete_series',
    kind: 'action',
    what: 'Prometheus TSDB admin API (delete series)',
    signature: sig(
      PROMETHEUS_API,
      '{"status":"error","errorType":"bad_data","error":"no match[] parameter provided"}',
      '{"error":"method not allowed"}',
    ),
  },
  // etcd v2 API: cluster members and leader stats.
  {
    path: '/v2/members',
    kind: 'secret',
    what: 'etcd cluster members (peer and client URLs)',
    signature: sig(
      /"(peerURLs|clientURLs)"\s*:/,
      '{"members":[{"id":"8e9e05c52164694d","name":"default","peerURLs":["http://10.0.0.5:2380"],"clientURLs":["http://10.0.0.5:2379"]}]}',
      '{"members":[{"id":1,"name":"Alice","plan":"pro"}]}',
    ),
  },
  {
    path: '/v2/stats/self',
    kind: 'info',
    what: 'etcd node stats',
    signature: sig(
      /"(leaderInfo|recvAppendRequestCnt|sendAppendRequestCnt)"\s*:/,
      '{"name":"default","id":"8e9e05c52164694d","state":"StateLeader","startTime":"2026-01-01T00:00:00Z","leaderInfo":{"leader":"8e9e05c52164694d","uptime":"10m"},"recvAppendRequestCnt":0,"sendAppendRequestCnt":0}',
      '{"name":"self","state":"active"}',
    ),
  },
  // Debug tooling.
  { path: '/debug', kind: 'info', what: 'debug endpoint' },
  {
    path: '/debug/pprof/',
    kind: 'info',
    what: 'Go pprof profiles',
    signature: sig(
      /\/debug\/pprof\/|Types of profiles available|goroutine\?debug=/i,
      '<html><head><title>/debug/pprof/</title></head><body>/debug/pprof/<br><p>Set debug=1 as a query parameter to export in legacy text format</p><br>Types of profiles available:<table><tr><td>12</td><td><a href="goroutine?debug=1">goroutine</a></td></tr></table></body></html>',
    ),
  },
  {
    path: '/debug/vars',
    kind: 'info',
    what: 'Go expvar',
    signature: sig(
      /"(memstats|cmdline)"\s*:/,
      '{"cmdline":["/usr/local/bin/api","-config","/etc/api.yaml"],"memstats":{"Alloc":1048576}}',
      '{"vars":[]}',
    ),
  },
  {
    path: '/__debug__/',
    kind: 'info',
    what: 'Django debug toolbar',
    signature: sig(
      /djDebug|djdt|Django Debug Toolbar/,
      '<div id="djDebug" class="djdt-hidden" data-store-id="1a2b"><div id="djDebugToolbar"><a href="#" title="Hide toolbar">Hide</a> Django Debug Toolbar</div></div>',
    ),
  },
  {
    path: '/_debugbar/open',
    kind: 'secret',
    what: 'Laravel debugbar (recent requests)',
    signature: sig(
      /"utime"\s*:|"__meta"\s*:/,
      '[{"id":"X1a2b3c4d5e6f","datetime":"2026-01-01 10:00:00","utime":"1767261600.1234","method":"GET","uri":"/login","ip":"10.0.0.7"}]',
      '[{"id":1,"title":"open"}]',
    ),
  },
  {
    path: '/_ignition/health-check',
    kind: 'action',
    what: 'Laravel Ignition (remote code execution on old versions)',
    signature: sig(/"can_execute_commands"\s*:/, '{"can_execute_commands":true}', '{"status":"ok"}'),
  },
  { path: '/telescope/requests', kind: 'secret', what: 'Laravel Telescope (recent requests)' },
  { path: '/_profiler', kind: 'secret', what: 'Symfony profiler (recent requests)' },
  {
    path: '/_profiler/empty/search/results?limit=10',
    kind: 'secret',
    what: 'Symfony profiler (recent requests)',
    signature: sig(
      /Symfony Profiler|sf-toolbar|id="search-results"/,
      '<!DOCTYPE html><html><head><title>Symfony Profiler</title></head><body><h2>10 results found</h2><table id="search-results"></table></body></html>',
    ),
  },
  {
    path: '/elmah.axd',
    kind: 'secret',
    what: 'ELMAH error log',
    signature: sig(
      /error log/i,
      '<html><head><title>Error log for /LM/W3SVC/1/ROOT on WEB01</title></head><body><h1>Error Log for ROOT on WEB01</h1></body></html>',
    ),
  },
  {
    path: '/trace.axd',
    kind: 'secret',
    what: 'ASP.NET trace',
    signature: sig(
      /Application Trace|Trace Information/i,
      '<html><head><title>Application Trace</title></head><body><h1>Application Trace</h1><h2>Requests to this Application</h2></body></html>',
    ),
  },
  {
    path: '/rails/info/routes',
    kind: 'info',
    what: 'Rails route list',
    signature: sig(
      /route_table|Routes match in priority/,
      '<h2>Routes</h2><p>Routes match in priority from top to bottom</p><table id="route_table" class="route_table"><thead><tr><th>Helper</th><th>HTTP Verb</th><th>Path</th></tr></thead></table>',
    ),
  },
  {
    path: '/rails/info/properties',
    kind: 'secret',
    what: 'Rails environment properties',
    signature: sig(
      /Rails version|Ruby version/,
      '<table class="debug_info"><tr><td class="name">Rails version</td><td class="value">7.1.3</td></tr><tr><td class="name">Ruby version</td><td class="value">3.3.0</td></tr></table>',
    ),
  },
  { path: '/phpinfo.php', kind: 'secret', what: 'phpinfo (environment and config)', signature: sig(PHPINFO, PHPINFO_SAMPLE) },
  { path: '/phpinfo', kind: 'secret', what: 'phpinfo (environment and config)', signature: sig(PHPINFO, PHPINFO_SAMPLE) },
  {
    path: '/server-status',
    kind: 'info',
    what: 'Apache server status',
    signature: sig(
      /Server (uptime|Version)|Apache Server Status/i,
      '<html><head><title>Apache Status</title></head><body><h1>Apache Server Status for api.example.com</h1><dl><dt>Server Version: Apache/2.4.58 (Unix)</dt><dt>Server uptime: 3 days</dt></dl></body></html>',
      '<html><body><h1>Status</h1><p>All systems operational</p></body></html>',
    ),
  },
  {
    path: '/server-info',
    kind: 'info',
    what: 'Apache server info',
    signature: sig(
      /Server (Settings|Version)|Apache Server Information/i,
      '<html><head><title>Server Information</title></head><body><h1 align="center">Apache Server Information</h1><dt><strong>Server Version:</strong> Apache/2.4.58</dt></body></html>',
    ),
  },
  {
    path: '/nginx_status',
    kind: 'info',
    what: 'nginx stub status',
    signature: sig(
      /Active connections/,
      'Active connections: 291\nserver accepts handled requests\n 16630948 16630948 31070465\nReading: 6 Writing: 179 Waiting: 106\n',
    ),
  },
  // Metrics.
  { path: '/metrics', kind: 'info', what: 'metrics', signature: sig(PROMETHEUS, PROMETHEUS_SAMPLE, '{"metrics":"disabled"}') },
  { path: '/prometheus', kind: 'info', what: 'Prometheus metrics', signature: sig(PROMETHEUS, PROMETHEUS_SAMPLE) },
  { path: '/actuator/prometheus', kind: 'info', what: 'actuator Prometheus metrics', signature: sig(PROMETHEUS, PROMETHEUS_SAMPLE) },
  {
    path: '/actuator/metrics',
    kind: 'info',
    what: 'actuator metrics',
    signature: sig(/"names"\s*:/, '{"names":["jvm.memory.used","http.server.requests","hikaricp.connections.active"]}', '{"status":"UP"}'),
  },
  // Files that should never be served.
  { path: '/.env', kind: 'secret', what: '.env file (credentials)', signature: sig(DOTENV, DOTENV_SAMPLE) },
  { path: '/.env.production', kind: 'secret', what: '.env file (credentials)', signature: sig(DOTENV, DOTENV_SAMPLE) },
  {
    path: '/.git/config',
    kind: 'secret',
    what: 'Git repository config (the source can be downloaded)',
    signature: sig(
      /^\s*\[(core|remote "[^"\n]{1,100}")\]/m,
      '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/orders.git\n',
    ),
  },
  {
    path: '/.git/HEAD',
    kind: 'secret',
    what: 'Git repository (the source can be downloaded)',
    signature: sig(/^ref: refs\//m, 'ref: refs/heads/main\n'),
  },
  {
    path: '/.aws/credentials',
    kind: 'secret',
    what: 'AWS credentials file',
    signature: sig(
      /aws_access_key_id/i,
      '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    ),
  },
  { path: '/config', kind: 'secret', what: 'configuration' },
  {
    path: '/config.json',
    kind: 'secret',
    what: 'configuration file',
    signature: sig(/^\s*[{[]/, '{"database":{"host":"db.internal","password":"s3cr3t"}}'),
  },
  { path: '/config.yml', kind: 'secret', what: 'configuration file', signature: sig(YAML_KEYS, CONFIG_YAML_SAMPLE) },
  { path: '/application.yml', kind: 'secret', what: 'Spring configuration file', signature: sig(YAML_KEYS, CONFIG_YAML_SAMPLE) },
  {
    path: '/appsettings.json',
    kind: 'secret',
    what: '.NET configuration file',
    signature: sig(
      /"(ConnectionStrings|Logging)"/,
      '{"ConnectionStrings":{"Default":"Server=db.internal;Database=orders;User Id=sa;Password=s3cr3t;"},"Logging":{"LogLevel":{"Default":"Information"}}}',
      '{"settings":"none"}',
    ),
  },
  {
    path: '/web.config',
    kind: 'secret',
    what: 'IIS configuration file',
    signature: sig(
      /<configuration/i,
      '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <connectionStrings><add name="Default" connectionString="Server=db;Password=s3cr3t" /></connectionStrings>\n</configuration>\n',
    ),
  },
  {
    path: '/backup.sql',
    kind: 'secret',
    what: 'database dump',
    signature: sig(
      /CREATE TABLE|INSERT INTO/i,
      "-- MySQL dump 10.13\nCREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255)\n);\nINSERT INTO `users` VALUES (1,'alice@example.com');\n",
    ),
  },
  {
    path: '/.DS_Store',
    kind: 'info',
    what: 'macOS folder listing (file names)',
    signature: sig(/Bud1/, '\u0000\u0000\u0000\u0001Bud1\u0000\u0000\u0010\u0000'),
  },
  // API descriptions and explorers: the map of every route, admin ones included.
  { path: '/swagger-ui.html', kind: 'info', what: 'Swagger UI', signature: sig(/swagger/i, SWAGGER_UI_SAMPLE) },
  { path: '/swagger-ui/', kind: 'info', what: 'Swagger UI', signature: sig(/swagger/i, SWAGGER_UI_SAMPLE) },
  { path: '/swagger.json', kind: 'info', what: 'Swagger document', signature: sig(OPENAPI, SWAGGER_SAMPLE, NOT_FOUND_JSON) },
  { path: '/openapi.json', kind: 'info', what: 'OpenAPI document', signature: sig(OPENAPI, OPENAPI_SAMPLE, NOT_FOUND_JSON) },
  { path: '/v2/api-docs', kind: 'info', what: 'Swagger document', signature: sig(OPENAPI, SWAGGER_SAMPLE, NOT_FOUND_JSON) },
  { path: '/v3/api-docs', kind: 'info', what: 'OpenAPI document', signature: sig(OPENAPI, OPENAPI_SAMPLE, NOT_FOUND_JSON) },
  { path: '/api-docs', kind: 'info', what: 'API description', signature: sig(OPENAPI, OPENAPI_SAMPLE, NOT_FOUND_JSON) },
  // GraphQL introspection, as a GET (a query, never a mutation): with it, every type and field is listed.
  {
    path: '/graphql?query=%7B__schema%7BqueryType%7Bname%7Dtypes%7Bname%7D%7D%7D',
    kind: 'info',
    what: 'GraphQL endpoint with introspection on (every type and field is listed)',
    signature: sig(
      /"__schema"\s*:\s*\{/,
      '{"data":{"__schema":{"queryType":{"name":"Query"},"types":[{"name":"Query"},{"name":"User"}]}}}',
      '{"errors":[{"message":"GraphQL introspection is not allowed by Apollo Server, but the query contained __schema or __type."}]}',
    ),
  },
  {
    path: '/graphiql',
    kind: 'info',
    what: 'GraphiQL explorer',
    signature: sig(
      /graphiql/i,
      '<!DOCTYPE html><html><head><title>GraphiQL</title><link href="https://unpkg.com/graphiql/graphiql.min.css" rel="stylesheet" /></head><body><div id="graphiql">Loading...</div></body></html>',
    ),
  },
  {
    path: '/_cat/indices',
    kind: 'secret',
    what: 'Elasticsearch index list',
    signature: sig(
      /\b(green|yellow|red)\s+open\b/,
      'green  open orders   Q3l1Xk7eQ0y3_7c6m1bYdg 1 1 182734 0 120.4mb 60.2mb\nyellow open users    9Zr3r9kSQS2fVQ4s8wq1xQ 1 1  10233 0   4.1mb  4.1mb\n',
      'orders: open\nusers: closed\n',
    ),
  },
];

/**
 * Words that make a publicPaths entry look like an admin surface: an allow-list that opens one of
 * these is how "only ops know this URL" ends up public.
 */
export const ADMIN_WORDS =
  /(^|[/_.-])(admin\w*|internal|private|manage(ment)?|ops|console|debug|__debug__|actuator|jolokia|heapdump|env|\.env|\.git|metrics|prometheus|sidekiq|resque|hangfire|horizon|flower|phpinfo|server-status|phpmyadmin|adminer|h2-console|telescope|_profiler)([/_.-]|$)/i;

/** Admin roots worth trying path tricks on when they refuse anonymous calls (auth-path-tricks). */
export const TRICK_ROOTS: readonly string[] = ['/admin', '/internal', '/actuator', '/management', '/debug'];
