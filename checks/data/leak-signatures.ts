import type { Severity } from '../api.js';

/**
 * What a response must never show a client: stack traces, SQL and ORM errors, framework debug pages,
 * file paths, internal hosts, environment dumps, and version-revealing headers. Each entry carries a
 * positive sample (a real-looking leak it must match) and a negative one (a clean text close to it
 * that it must not match); test/checks/leak-signatures.test.ts runs both.
 *
 * Body patterns run on the decoded body (JSON strings unescaped, so "\n" is a line break and "\"" a
 * quote), which is why samples are written as the text a developer would read. Keep every pattern
 * bounded (no nested unbounded repeats): they run on up to 16 KiB of every response of the run.
 */
export interface BodySignature {
  id: string;
  /** What the match reveals, in a phrase that completes "the response reveals …". */
  reveals: string;
  regex: RegExp;
  severity: Severity;
  /** The match names a host: ignore it when it is the audited target's own host. */
  host?: boolean;
  /**
   * The match may be the API's own data (a file name, a host, a query in a report, a connection
   * string a database service hands out): it counts only in error responses. Signatures without it
   * are unmistakable (stack frames, SQL error text, debug pages, credentials) and count in 2xx too.
   */
  mayBeData?: true;
  positive: string;
  negative: string;
}

export interface HeaderSignature {
  id: string;
  reveals: string;
  /** Lower-case response header name. */
  header: string;
  /** Matched against the header's value. */
  regex: RegExp;
  severity: Severity;
  positive: string;
  negative: string;
}

export const BODY_SIGNATURES: readonly BodySignature[] = [
  // ── Stack traces ────────────────────────────────────────────────────────────────────────────
  {
    id: 'python-traceback',
    reveals: 'a Python traceback (source file names, lines and code)',
    regex: /Traceback \(most recent call last\):|\bFile "[^"\n]{1,300}\.py", line \d{1,6}, in [\w<>]{1,100}/,
    severity: 'high',
    positive:
      'Traceback (most recent call last):\n  File "/app/orders/views.py", line 42, in list_orders\n    limit = int(request.args["limit"])\nValueError: invalid literal for int() with base 10: \'abc\'',
    negative: '{"detail":"limit must be an integer","hint":"the trace of the request is available to support via the request id"}',
  },
  {
    id: 'jvm-stack-frame',
    reveals: 'a Java/Kotlin/Scala stack trace (class and source file names)',
    regex:
      /\bat (?:[\w$]{1,100}\.){2,30}[\w$<>]{1,100}\((?:[\w$]{1,100}\.(?:java|kt|scala|groovy|clj):\d{1,6}|Native Method|Unknown Source)\)|\bException in thread "[^"\n]{1,100}"/,
    severity: 'high',
    positive:
      'java.lang.NullPointerException: null\n\tat com.acme.orders.OrderService.find(OrderService.java:57)\n\tat com.acme.orders.OrderController.get(OrderController.kt:31)',
    negative: 'Orders are listed at com.acme.orders in the catalog (see OrderService docs)',
  },
  {
    id: 'jvm-exception-class',
    reveals: 'a JVM exception class name (language and libraries in use)',
    regex: /\b(?:java|javax|jakarta|kotlin|scala)\.[a-z][\w.]{0,150}\.[A-Z]\w{0,100}(?:Exception|Error)\b/,
    severity: 'high',
    mayBeData: true,
    positive: '{"status":500,"error":"Internal Server Error","trace":"java.lang.IllegalArgumentException: limit"}',
    negative: '{"message":"An internal exception occurred; the error was logged","language":"java"}',
  },
  {
    id: 'dotnet-stack',
    reveals: 'a .NET stack trace or exception type',
    regex:
      /\bat [\w.`<>[\],]{1,300}\([^()\n]{0,300}\) in [^\n]{1,300}:line \d{1,6}|\bSystem\.(?:[A-Z]\w{0,60}\.){0,6}[A-Z]\w{0,80}Exception\b|--- End of (?:inner exception )?stack trace/,
    severity: 'high',
    positive:
      'System.InvalidOperationException: Sequence contains no elements\n   at Orders.Api.OrdersController.Get(Int32 id) in C:\\src\\Orders.Api\\OrdersController.cs:line 48',
    negative: '{"title":"One or more validation errors occurred.","status":400,"errors":{"limit":["The value \'abc\' is not valid."]}}',
  },
  {
    id: 'go-panic',
    reveals: 'a Go panic or goroutine dump (source paths and internals)',
    regex: /\bgoroutine \d{1,9} \[[a-z][\w ,]{0,60}\]:|\.go:\d{1,6} \+0x[0-9a-f]{1,16}\b|\bpanic: runtime error: /,
    severity: 'high',
    positive:
      'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 18 [running]:\nmain.handler(...)\n\t/src/orders/main.go:41 +0x1d',
    negative: '{"error":{"code":"not_found","message":"order go-41 not found"},"retry":"don\'t panic: the order may still be processing"}',
  },
  {
    id: 'node-stack',
    reveals: 'a Node.js stack trace with file paths',
    regex: /\bat (?:async )?(?:[\w$.<>[\] ]{1,200} \()?(?:\/|[A-Za-z]:\\|file:\/\/|node:)[^\s()]{1,300}:\d{1,6}:\d{1,6}\)?/,
    severity: 'high',
    positive:
      "TypeError: Cannot read properties of undefined (reading 'id')\n    at OrdersService.get (/srv/orders-api/src/services/orders.js:41:23)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    negative: '{"message":"The export started at 10:42:07 (UTC) and will be at /exports/2024-06-01 when done"}',
  },
  {
    id: 'ruby-backtrace',
    reveals: 'a Ruby backtrace (source files and methods)',
    regex: /\w\.rb:\d{1,6}:in [`'‘][^'\n]{1,200}'/,
    severity: 'high',
    positive: "NoMethodError (undefined method `name' for nil:NilClass):\n  app/controllers/orders_controller.rb:12:in `show'",
    negative: '{"errors":[{"code":"invalid","detail":"ruby.rb is not a valid file name in this upload"}]}',
  },
  {
    id: 'php-error',
    reveals: 'a PHP error or stack trace (script paths and lines)',
    regex:
      /\b(?:Fatal error|Parse error|Warning|Notice|Deprecated): .{1,300}? in [^\s<]{1,300}\.php(?: on line |:)(?:<b>)?\d{1,6}|#\d{1,4} [^\n]{0,300}\.php\(\d{1,6}\): |\bPHP (?:Fatal|Parse) error/,
    severity: 'high',
    positive:
      '<br />\n<b>Fatal error</b>: Uncaught TypeError: count(): Argument #1 must be of type Countable in /var/www/html/api/orders.php:27\nStack trace:\n#0 /var/www/html/api/index.php(14): listOrders()',
    negative: '{"warnings":["Warning: the order total changed since checkout"],"docs":"https://docs.example.com/errors.php"}',
  },
  {
    id: 'rust-panic',
    reveals: 'a Rust panic (source paths)',
    regex: /\bthread '[^'\n]{1,100}' panicked at |\bsrc\/[\w/]{1,200}\.rs:\d{1,6}:\d{1,6}/,
    severity: 'high',
    positive: "thread 'tokio-runtime-worker' panicked at src/handlers/orders.rs:88:14:\ncalled `Option::unwrap()` on a `None` value",
    negative: '{"error":{"code":"unavailable","message":"the worker thread is busy; retry after 2 s"}}',
  },

  // ── SQL errors ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'postgres-error',
    reveals: 'a PostgreSQL error (the database, and often the query)',
    regex:
      /\bpsycopg2?\.(?:errors\.)?[A-Z]\w{0,80}|\binvalid input syntax for (?:type )?[\w ]{1,40}: |\bsyntax error at or near "|\brelation "[^"\n]{1,100}" does not exist|\bcolumn "[^"\n]{1,100}" (?:of relation "[^"\n]{1,100}" )?does not exist|\bduplicate key value violates unique constraint "|\bviolates (?:foreign key|not-null|check) constraint "|\bPG::[A-Z]\w{0,60}|\bPSQLException\b|\bunterminated quoted string at or near/,
    severity: 'high',
    positive:
      'psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type integer: "abc"\nLINE 1: SELECT * FROM orders LIMIT \'abc\'',
    negative: '{"error":{"code":"invalid_limit","message":"limit must be an integer, got \\"abc\\""}}',
  },
  {
    id: 'sqlstate',
    reveals: 'a SQLSTATE database error code',
    regex: /\bSQLSTATE\[?[0-9A-Z]{5}\]?/,
    severity: 'high',
    positive: "SQLSTATE[42S22]: Column not found: 1054 Unknown column 'qty2' in 'field list'",
    negative: '{"state":"ready","code":"42S22-ORDER","message":"order state is ready"}',
  },
  {
    id: 'mysql-error',
    reveals: 'a MySQL/MariaDB error (the database and the query)',
    regex:
      /You have an error in your SQL syntax|check the manual that corresponds to your (?:MySQL|MariaDB) server version|\bER_(?:PARSE_ERROR|BAD_FIELD_ERROR|NO_SUCH_TABLE|DUP_ENTRY|TRUNCATED_WRONG_VALUE\w{0,40}|ACCESS_DENIED_ERROR|WRONG_VALUE\w{0,40})\b|Unknown column '[^'\n]{1,100}' in '|\bmysqli?_[a-z_]{3,40}\(\)|\bMySql(?:Client\.)?Exception\b|\bcom\.mysql\.(?:cj\.)?jdbc\b/,
    severity: 'high',
    positive:
      "ER_PARSE_ERROR: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''' at line 1",
    negative: '{"error":"bad_request","message":"You have an error in your request: limit must be a number"}',
  },
  {
    id: 'oracle-error',
    reveals: 'an Oracle database error code',
    regex: /\b(?:ORA|PLS)-\d{5}\b/,
    severity: 'high',
    mayBeData: true,
    positive: 'ORA-01756: quoted string not properly terminated',
    negative: '{"sku":"FLORA-12345","name":"Flora vase","ora":"12345"}',
  },
  {
    id: 'sqlite-error',
    reveals: 'a SQLite error (the database and schema)',
    regex:
      /\bSQLITE_(?:ERROR|CONSTRAINT|BUSY|LOCKED|MISMATCH|READONLY|CANTOPEN|CORRUPT|RANGE)\b|\bsqlite3\.(?:Operational|Integrity|Programming|Database)Error\b|\bSQLite3?::\w{1,60}Exception\b|\bno such (?:table|column): [\w.]{1,100}/,
    severity: 'high',
    positive: 'sqlite3.OperationalError: no such column: qtyy',
    negative: '{"error":{"code":"no_such_order","message":"no such order: ord_123"}}',
  },
  {
    id: 'mssql-error',
    reveals: 'a SQL Server error (the database and the query)',
    regex:
      /Unclosed quotation mark after the character string|Incorrect syntax near '|\bSystem\.Data\.SqlClient\.SqlException|\bMicrosoft\.Data\.SqlClient\b|\[Microsoft\]\[ODBC (?:SQL Server |Driver \d{1,3} for SQL Server)|\bMsg \d{1,6}, Level \d{1,2}, State \d{1,3}/,
    severity: 'high',
    positive: "Unclosed quotation mark after the character string ''.\nIncorrect syntax near ''.",
    negative: '{"message":"Incorrect value for limit; quotation marks are not allowed in ids"}',
  },
  {
    id: 'sql-statement',
    reveals: 'the SQL statement the server ran (table and column names)',
    regex:
      /\bSELECT\s{1,10}(?:\*|DISTINCT\b|[\w."`,\s()]{1,200}?)\s{1,10}FROM\s{1,10}["`[]?\w{1,100}|\bINSERT\s{1,10}INTO\s{1,10}["`[]?[\w.]{1,100}["`\]]?\s{0,10}[(\s]|\bUPDATE\s{1,10}["`[]?[\w.]{1,100}["`\]]?\s{1,10}SET\s{1,10}["`[]?\w{1,100}["`\]]?\s{0,10}=|\bDELETE\s{1,10}FROM\s{1,10}["`[]?[\w.]{1,100}["`\]]?\s{1,10}WHERE\b/,
    severity: 'high',
    mayBeData: true,
    positive: '{"query":"SELECT * FROM orders WHERE user_id = \'u_1\' ORDER BY id LIMIT abc"}',
    negative: '{"help":"Select the orders from the list, then update the set of fields you need; delete from the cart when done"}',
  },

  // ── ORM errors ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'sequelize-error',
    reveals: 'a Sequelize ORM error (Node.js, the database layer)',
    regex: /\bSequelize(?:Database|Validation|UniqueConstraint|ForeignKeyConstraint|Connection\w{0,40}|Timeout|EagerLoading|Base)?Error\b/,
    severity: 'high',
    positive: '{"name":"SequelizeDatabaseError","parent":{"code":"22P02"}}',
    negative: '{"error":{"code":"validation_failed","message":"sequence number must be positive"}}',
  },
  {
    id: 'prisma-error',
    reveals: 'a Prisma ORM error (Node.js, the query and schema)',
    regex:
      /\bPrismaClient(?:KnownRequest|UnknownRequest|Initialization|Validation|RustPanic)Error\b|Invalid `[\w.]{1,100}\.\w{1,60}\.\w{1,60}\(\)` invocation/,
    severity: 'high',
    positive:
      "Invalid `prisma.order.findUnique()` invocation in\n/app/src/orders.ts:12:38\n\nPrismaClientValidationError: Argument id: Got invalid value 'abc'",
    negative: '{"error":{"code":"invalid_id","message":"Invalid id: use the id from the order list"}}',
  },
  {
    id: 'sqlalchemy-error',
    reveals: 'a SQLAlchemy error (Python, the query and schema)',
    regex: /\bsqlalchemy\.(?:orm\.)?exc\.\w{1,80}|\(Background on this error at: https?:\/\/sqlalche\.me\//,
    severity: 'high',
    positive:
      '(sqlalchemy.exc.DataError) (psycopg2.errors.InvalidTextRepresentation) invalid input\n(Background on this error at: https://sqlalche.me/e/20/9h9h)',
    negative: '{"detail":"The alchemy course is sold out","links":{"self":"https://example.com/courses/alchemy"}}',
  },
  {
    id: 'hibernate-error',
    reveals: 'a Hibernate/JPA error (Java, the database layer)',
    regex: /\borg\.hibernate\.[\w.]{1,150}|\bcould not execute (?:statement|query); SQL \[|\b(?:javax|jakarta)\.persistence\.\w{1,80}/,
    severity: 'high',
    positive:
      'could not execute statement; SQL [n/a]; constraint [uk_order_ref]; nested exception is org.hibernate.exception.ConstraintViolationException',
    negative: '{"message":"could not execute the payment; please retry","hibernate":false}',
  },
  {
    id: 'active-record-error',
    reveals: 'an ActiveRecord or Django ORM error (the framework and database layer)',
    regex: /\bActiveRecord::[A-Z]\w{1,80}|\bdjango\.db\.(?:utils\.)?\w{1,80}Error\b|\bdjango\.core\.exceptions\.\w{1,80}/,
    severity: 'high',
    positive: 'ActiveRecord::StatementInvalid (PG::InvalidTextRepresentation: ERROR:  invalid input syntax)',
    negative: '{"record":{"active":true,"kind":"statement"},"message":"statement is invalid for an inactive record"}',
  },
  {
    id: 'mongodb-error',
    reveals: 'a MongoDB/Mongoose error (the database and schema)',
    regex: /\bMongo(?:Server|Network|Parse)?Error\b|\bE11000 duplicate key error\b|\bCast to ObjectId failed for value\b/,
    severity: 'high',
    positive: 'CastError: Cast to ObjectId failed for value "abc" (type string) at path "_id" for model "Order"',
    negative: '{"error":{"code":"invalid_id","message":"ids are 24 hex characters"},"mongo_style_ids":true}',
  },
  {
    id: 'typeorm-error',
    reveals: 'a TypeORM error (Node.js, the query)',
    regex: /\bQueryFailedError\b|\bEntityMetadataNotFoundError\b/,
    severity: 'high',
    positive: 'QueryFailedError: invalid input syntax for type uuid: "abc"',
    negative: '{"error":{"code":"query_failed","message":"the search query failed to parse"}}',
  },

  // ── Framework debug pages ───────────────────────────────────────────────────────────────────
  {
    id: 'werkzeug-debugger',
    reveals: 'the Werkzeug debugger (remote code execution in the browser)',
    regex: /Werkzeug Debugger|The debugger caught an exception in your WSGI application|__debugger__=yes/,
    severity: 'critical',
    positive: '<title>ValueError // Werkzeug Debugger</title>',
    negative: '{"message":"the debugger is disabled in production","docs":"https://example.com/debugging"}',
  },
  {
    id: 'django-debug-page',
    reveals: "Django's technical 500/404 page (settings, paths, code)",
    regex:
      /You(?:'|&#x27;|&#39;)re seeing this error because you have <code>DEBUG = True<\/code>|<th>Django Version:<\/th>|\bUsing the URLconf defined in [\w.]{1,100}, Django tried/,
    severity: 'high',
    positive: "<p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>",
    negative: '{"detail":"Not found.","framework":"django","debug":false}',
  },
  {
    id: 'rails-debug-page',
    reveals: "Rails' debug exception page (routes, code, parameters)",
    regex: /<title>Action Controller: Exception caught<\/title>|<h1>Routing Error<\/h1>|\bActionController::[A-Z]\w{1,80}|\bRails\.root: /,
    severity: 'high',
    positive: '<!DOCTYPE html><html><head><title>Action Controller: Exception caught</title></head><body><h1>Routing Error</h1>',
    negative: '{"errors":[{"status":"404","title":"Routing error","detail":"no route matches /api/order"}]}',
  },
  {
    id: 'express-error-page',
    reveals: "Express's development error page (a stack trace with file paths)",
    regex: /<pre>[^<]{0,500}<br>(?: ?&nbsp;){1,8} ?at /,
    severity: 'high',
    positive:
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>TypeError: boom<br> &nbsp; &nbsp;at /app/server.js:14:9<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)</pre>\n</body>\n</html>',
    negative:
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Internal Server Error</pre>\n</body>\n</html>',
  },
  {
    id: 'spring-whitelabel',
    reveals: "Spring Boot's Whitelabel error page (framework in use)",
    regex: /Whitelabel Error Page/,
    severity: 'medium',
    positive: '<html><body><h1>Whitelabel Error Page</h1><p>This application has no explicit mapping for /error</p></body></html>',
    negative: '{"title":"White label partner page","status":404}',
  },
  {
    id: 'aspnet-error-page',
    reveals: "ASP.NET's detailed error page (code, paths, versions)",
    regex:
      /Server Error in '[^'\n]{1,100}' Application|<b> ?Version Information: ?<\/b>|An unhandled exception occurred while processing the request\./,
    severity: 'high',
    positive: "<h1>Server Error in '/' Application.</h1><h2><i>Object reference not set to an instance of an object.</i></h2>",
    negative: '{"title":"An error occurred while processing your request.","status":500,"traceId":"00-7f3c-01"}',
  },
  {
    id: 'php-framework-debug',
    reveals: 'a PHP framework debug page (Laravel/Symfony: code, paths, environment)',
    regex: /\bIlluminate\\[A-Z]\w{0,60}\\|\bSymfony\\Component\\|Whoops, looks like something went wrong|\bsf-dump\b/,
    severity: 'high',
    positive: 'Illuminate\\Database\\QueryException: SQLSTATE[22P02]: Invalid text representation',
    negative: '{"message":"Whoops! That order could not be found.","code":"not_found"}',
  },

  // ── Configuration, paths, hosts (most telling first: a host inside a connection string is
  //    reported as the connection string, a connection string in an env dump as the dump) ─────
  {
    id: 'environment-dump',
    reveals: 'environment variables (configuration and secrets)',
    regex:
      /(?:^|[\s{,"'])(?:DATABASE_URL|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN|SECRET_KEY_BASE|DJANGO_SECRET_KEY|JWT_SECRET|REDIS_URL|PGPASSWORD|DB_PASSWORD|MYSQL_ROOT_PASSWORD|STRIPE_SECRET_KEY|GITHUB_TOKEN|SENTRY_DSN)["']?\s{0,5}[:=]|\bPATH[=:] ?["']?\/usr\/(?:local\/)?s?bin:/,
    severity: 'critical',
    positive: 'env:\nDATABASE_URL: postgres://orders_rw@db/orders\nNODE_ENV: production',
    negative:
      '{"settings":{"database_url_configured":true,"secret_key_rotation":"monthly"},"message":"set DATABASE_URL in your own deployment"}',
  },
  {
    id: 'credentials-in-url',
    reveals: 'a URL with a user name and password in it',
    regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{1,100}:[^\s:/@"'<>*]{1,200}@[\w.-]{1,200}/,
    severity: 'critical',
    positive: 'Redis connection to redis://default:s3cr3tPassw0rd@cache-1.internal.corp:6379 failed',
    negative: '{"href":"https://api.example.com/users/alice@example.com","auth":"https://user@example.com/login"}',
  },
  {
    id: 'connection-string',
    reveals: 'a database or broker connection string (host, user, database)',
    regex: /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]{2,20}):\/\/[^\s"'<>]{3,300}/,
    severity: 'high',
    mayBeData: true,
    positive: 'could not connect to postgres://orders_rw@db-primary.internal.corp:5432/orders',
    negative: '{"docs":"https://example.com/guides/postgres-migrations","message":"use the mysql importer"}',
  },
  {
    id: 'absolute-file-path',
    reveals: 'an absolute file path on the server (directory layout, user names)',
    regex:
      /(?<![\w.:/%-])\/(?:home|usr|var|srv|opt|app|root|tmp|Users|etc|workspace|work|code|src|build|mnt)\/[\w.@-]{1,100}(?:\/[\w.@-]{1,100}){0,30}\.(?:js|mjs|cjs|ts|py|rb|php|java|kt|scala|go|rs|cs|ex|exs|jar|war|so|dll|yml|yaml|env|conf|ini|cfg|toml|log|sql|sh|pem|key)\b|(?<![\w.:/%-])\/etc\/(?:passwd|shadow|hosts|nginx|apache2|ssl)\b|(?<![\w])[A-Z]:\\(?:[\w .@-]{1,100}\\){1,30}[\w .@-]{0,100}\.\w{1,6}\b/,
    severity: 'medium',
    mayBeData: true,
    positive: "Error: ENOENT: no such file or directory, open '/home/deploy/orders-api/config/production.yml'",
    negative:
      '{"links":{"next":"https://api.example.com/var/orders/list.json?cursor=abc","avatar":"/app/assets/avatar.png"},"path":"/api/orders/ord_1"}',
  },
  {
    id: 'private-ip',
    reveals: 'a private network address (internal topology)',
    regex:
      /(?<![\d.])(?:10(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|192\.168(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2})(?![\d]|\.\d)/,
    severity: 'medium',
    mayBeData: true,
    host: true,
    positive: 'connect ECONNREFUSED 10.0.3.17:6379',
    negative: '{"version":"10.4.2","price":"192.16","ratio":"172.16","build":"2024.10.1.5"}',
  },
  {
    id: 'internal-hostname',
    reveals: 'an internal host name (internal topology)',
    // A dotted code such as "server.internal" is not a host: ask for two labels before the internal
    // suffix, a port, or a first label with a digit or hyphen (db-1.internal), as hosts have.
    regex:
      /\b(?:[a-z0-9-]{1,63}\.){1,10}(?:svc\.cluster\.local|ec2\.internal|compute\.internal)\b|\b(?:(?:[a-z0-9-]{1,63}\.){2,10}|[a-z0-9-]{1,63}\.(?=[a-z]{3,11}:\d)|[a-z]{0,62}[\d-][a-z0-9-]{0,62}\.)(?:internal|corp|intranet|localdomain|lan)(?![\w-]|\.[a-z])/,
    severity: 'medium',
    mayBeData: true,
    host: true,
    positive: 'getaddrinfo ENOTFOUND db-primary.internal.corp',
    negative: '{"error":{"code":"server.internal","message":"an internal error occurred"},"team":"corp","scope":"intranet"}',
  },
];

/** A version number: 8, 8.1, 1.18.0, "PHP/8", "Passenger 6". */
const VERSION = /(?:^|[^\w.])\d{1,6}(?:\.\d{1,6}){0,3}(?![\w.])|\/\d/;

/** Frameworks, languages and servers that X-Powered-By names, whole words. */
const PRODUCTS =
  'express|php|asp\\.net|next\\.js|nuxt|servlet|jsp|jboss|wildfly|undertow|tomcat|jetty|glassfish|weblogic|websphere|phusion passenger|passenger|plesk\\w*|' +
  'django|flask|werkzeug|gunicorn|uvicorn|python|rails|rack|sinatra|ruby|perl|mono|node(?:\\.js)?|koa|hapi|fastify|sails|nest(?:js)?|deno|bun|' +
  'laravel|symfony|zend|cakephp|codeigniter|nette|drupal|wordpress|joomla|craft cms|w3 total cache|kestrel|iis|openresty|nginx|apache|' +
  'phoenix|cowboy|play|spring(?: boot)?|vapor|ratpack|dart|zope|coldfusion|lucee';
const VERSION_OR_PRODUCT = new RegExp(`${VERSION.source}|(?:^|[^\\w.-])(?:${PRODUCTS})(?![\\w-])`, 'i');

export const HEADER_SIGNATURES: readonly HeaderSignature[] = [
  {
    id: 'server-version',
    reveals: 'the server software and its exact version',
    header: 'server',
    regex: /[A-Za-z][\w.-]{0,40}\/\d{1,4}(?:\.\d{1,6}){1,3}|\((?:Ubuntu|Debian|CentOS|Red Hat|Win(?:32|64)|Unix)\)/,
    severity: 'low',
    positive: 'nginx/1.18.0 (Ubuntu)',
    negative: 'nginx',
  },
  {
    id: 'x-powered-by',
    reveals: 'the framework or language behind the API',
    header: 'x-powered-by',
    // A value that names no product and no version ("hidden", "-") reveals nothing.
    regex: VERSION_OR_PRODUCT,
    severity: 'low',
    positive: 'PHP/8.1.2',
    negative: 'hidden',
  },
  {
    id: 'x-aspnet-version',
    reveals: 'the ASP.NET version',
    header: 'x-aspnet-version',
    regex: VERSION,
    severity: 'low',
    positive: '4.0.30319',
    negative: 'hidden',
  },
  {
    id: 'x-aspnetmvc-version',
    reveals: 'the ASP.NET MVC version',
    header: 'x-aspnetmvc-version',
    regex: VERSION,
    severity: 'low',
    positive: '5.2',
    negative: 'n/a',
  },
  {
    id: 'symfony-debug-token',
    reveals: "Symfony's profiler (request internals, a debug toolbar)",
    header: 'x-debug-token-link',
    regex: /\S/,
    severity: 'medium',
    positive: 'https://api.example.com/_profiler/4c1b2a',
    negative: '',
  },
];
