/**
 * Admin, debug and secret paths that turn up on public API hosts, for the admin-surface probe.
 * Each is sent once, anonymously, as a GET. The kind sets the severity when one answers 2xx:
 * action (it can change things: consoles, job queues, shutdown) and secret (it hands out
 * configuration, credentials, memory or logs) are critical; info (docs, metrics, status) is high.
 * `looksLike` is what a real hit contains; a 2xx without it is a catch-all page, not the resource.
 */
export type AdminKind = 'action' | 'secret' | 'info';

export interface AdminPath {
  path: string;
  kind: AdminKind;
  /** What it is, for messages: "Spring Boot actuator env (configuration and secrets)". */
  what: string;
  looksLike?: RegExp;
}

const OPENAPI = /"(swagger|openapi)"\s*:/;
const SPRING_ENV = /"(propertySources|activeProfiles)"/;
const PROMETHEUS = /^# (HELP|TYPE) /m;

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
  // Job queues and schedulers: retry, delete, enqueue.
  { path: '/jobs', kind: 'action', what: 'job control' },
  { path: '/queues', kind: 'action', what: 'queue dashboard' },
  { path: '/sidekiq', kind: 'action', what: 'Sidekiq web UI' },
  { path: '/resque', kind: 'action', what: 'Resque web UI' },
  { path: '/hangfire', kind: 'action', what: 'Hangfire dashboard' },
  { path: '/horizon', kind: 'action', what: 'Laravel Horizon' },
  { path: '/flower', kind: 'action', what: 'Celery Flower' },
  // Spring Boot actuator and JMX.
  { path: '/actuator', kind: 'info', what: 'Spring Boot actuator index', looksLike: /"_links"/ },
  { path: '/actuator/env', kind: 'secret', what: 'actuator env (configuration and secrets)', looksLike: SPRING_ENV },
  { path: '/actuator/heapdump', kind: 'secret', what: 'actuator heap dump (memory, with tokens in it)' },
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
  { path: '/env', kind: 'secret', what: 'environment dump', looksLike: SPRING_ENV },
  { path: '/heapdump', kind: 'secret', what: 'heap dump' },
  // Debug tooling.
  { path: '/debug', kind: 'info', what: 'debug endpoint' },
  { path: '/debug/pprof/', kind: 'info', what: 'Go pprof profiles', looksLike: /profile|goroutine/i },
  { path: '/debug/vars', kind: 'info', what: 'Go expvar', looksLike: /"(memstats|cmdline)"/ },
  { path: '/__debug__/', kind: 'info', what: 'Django debug toolbar' },
  { path: '/_debugbar/open', kind: 'secret', what: 'Laravel debugbar (recent requests)' },
  { path: '/telescope/requests', kind: 'secret', what: 'Laravel Telescope (recent requests)' },
  { path: '/_profiler', kind: 'secret', what: 'Symfony profiler (recent requests)' },
  { path: '/elmah.axd', kind: 'secret', what: 'ELMAH error log', looksLike: /error log/i },
  { path: '/trace.axd', kind: 'secret', what: 'ASP.NET trace', looksLike: /trace/i },
  { path: '/rails/info/routes', kind: 'info', what: 'Rails route list' },
  { path: '/phpinfo.php', kind: 'secret', what: 'phpinfo (environment and config)', looksLike: /PHP Version|phpinfo\(\)/ },
  { path: '/phpinfo', kind: 'secret', what: 'phpinfo (environment and config)', looksLike: /PHP Version|phpinfo\(\)/ },
  { path: '/server-status', kind: 'info', what: 'Apache server status', looksLike: /Server (uptime|Version)|Apache Server Status/i },
  { path: '/server-info', kind: 'info', what: 'Apache server info', looksLike: /Server (Settings|Version)|Apache Server Information/i },
  { path: '/nginx_status', kind: 'info', what: 'nginx stub status', looksLike: /Active connections/ },
  // Metrics.
  { path: '/metrics', kind: 'info', what: 'metrics', looksLike: PROMETHEUS },
  { path: '/prometheus', kind: 'info', what: 'Prometheus metrics', looksLike: PROMETHEUS },
  { path: '/actuator/prometheus', kind: 'info', what: 'actuator Prometheus metrics', looksLike: PROMETHEUS },
  { path: '/actuator/metrics', kind: 'info', what: 'actuator metrics', looksLike: /"names"/ },
  // Files that should never be served.
  { path: '/.env', kind: 'secret', what: '.env file (credentials)', looksLike: /^\s*[A-Z][A-Z0-9_]*\s*=/m },
  { path: '/.env.production', kind: 'secret', what: '.env file (credentials)', looksLike: /^\s*[A-Z][A-Z0-9_]*\s*=/m },
  { path: '/.git/config', kind: 'secret', what: 'Git repository config (the source can be downloaded)', looksLike: /\[core\]/ },
  { path: '/.git/HEAD', kind: 'secret', what: 'Git repository (the source can be downloaded)', looksLike: /^ref: refs\//m },
  { path: '/.aws/credentials', kind: 'secret', what: 'AWS credentials file', looksLike: /aws_access_key_id/i },
  { path: '/config', kind: 'secret', what: 'configuration' },
  { path: '/config.json', kind: 'secret', what: 'configuration file', looksLike: /^\s*[{[]/ },
  { path: '/config.yml', kind: 'secret', what: 'configuration file', looksLike: /^\s*[\w-]+\s*:/m },
  { path: '/application.yml', kind: 'secret', what: 'Spring configuration file', looksLike: /^\s*[\w-]+\s*:/m },
  { path: '/appsettings.json', kind: 'secret', what: '.NET configuration file', looksLike: /"(ConnectionStrings|Logging)"/ },
  { path: '/web.config', kind: 'secret', what: 'IIS configuration file', looksLike: /<configuration/i },
  { path: '/backup.sql', kind: 'secret', what: 'database dump', looksLike: /CREATE TABLE|INSERT INTO/i },
  { path: '/.DS_Store', kind: 'info', what: 'macOS folder listing (file names)', looksLike: /Bud1/ },
  // API descriptions and explorers: the map of every route, admin ones included.
  { path: '/swagger-ui.html', kind: 'info', what: 'Swagger UI', looksLike: /swagger/i },
  { path: '/swagger-ui/', kind: 'info', what: 'Swagger UI', looksLike: /swagger/i },
  { path: '/swagger.json', kind: 'info', what: 'Swagger document', looksLike: OPENAPI },
  { path: '/openapi.json', kind: 'info', what: 'OpenAPI document', looksLike: OPENAPI },
  { path: '/v2/api-docs', kind: 'info', what: 'Swagger document', looksLike: OPENAPI },
  { path: '/v3/api-docs', kind: 'info', what: 'OpenAPI document', looksLike: OPENAPI },
  { path: '/api-docs', kind: 'info', what: 'API description', looksLike: OPENAPI },
  { path: '/graphql?query=%7B__typename%7D', kind: 'info', what: 'GraphQL endpoint (introspection may map it all)', looksLike: /__typename|"data"/ },
  { path: '/graphiql', kind: 'info', what: 'GraphiQL explorer', looksLike: /graphiql/i },
  { path: '/_cat/indices', kind: 'secret', what: 'Elasticsearch index list', looksLike: /\b(green|yellow|red)\s+open\b/ },
];

/**
 * Words that make a publicPaths entry look like an admin surface: an allow-list that opens one of
 * these is how "only ops know this URL" ends up public.
 */
export const ADMIN_WORDS =
  /(^|[/_.-])(admin\w*|internal|private|manage(ment)?|ops|console|debug|__debug__|actuator|jolokia|heapdump|env|\.env|\.git|metrics|prometheus|sidekiq|resque|hangfire|horizon|flower|phpinfo|server-status|phpmyadmin|adminer|h2-console|telescope|_profiler)([/_.-]|$)/i;

/** Admin roots worth trying path tricks on when they refuse anonymous calls (auth-path-tricks). */
export const TRICK_ROOTS: readonly string[] = ['/admin', '/internal', '/actuator', '/management', '/debug'];
