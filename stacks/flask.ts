import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'flask',
  name: 'Flask',
  kind: 'framework',
  version: 'Flask 2.2+ / 3 on Werkzeug',
  signals: [
    {
      says: "Werkzeug's default 404 page (`The requested URL was not found on the server.`)",
      status: 404,
      body: /The requested URL was not found on the server\./,
    },
    {
      says: "Werkzeug's default 405 page (`The method is not allowed for the requested URL.`)",
      status: 405,
      body: /The method is not allowed for the requested URL\./,
    },
    { says: '`Server: Werkzeug/…` (the development server)', weight: 1, header: ['server', /^Werkzeug\//] },
    { says: "Flask's `session` cookie", weight: 1, cookie: /^session$/ },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: 'Keep a valid caller id (or make a UUID) in a before_request hook and set it in an after_request hook; both run for 404s and error handlers too.',
      language: 'python',
      snippet: `import re
import uuid

from flask import g, request


@app.before_request
def assign_request_id():
    sent = request.headers.get("X-Request-Id", "")
    g.request_id = sent if re.fullmatch(r"[\\w.:-]{1,128}", sent) else str(uuid.uuid4())


@app.after_request
def send_request_id(response):
    response.headers["X-Request-Id"] = g.get("request_id") or str(uuid.uuid4())
    return response`,
    }),
    ...each(V.bodySize, {
      fix: 'Set MAX_CONTENT_LENGTH: Werkzeug answers 413 before reading a larger body.',
      language: 'python',
      snippet: 'app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024',
    }),
    ...each(V.listCap, {
      fix: 'Read limit with a type and clamp it; abort(400) on a bad value.',
      language: 'python',
      snippet: `limit = request.args.get("limit", 50, type=int)
if limit is None or limit < 1:
    abort(400, "limit must be a positive integer")
limit = min(limit, 100)`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: "Register a handler for HTTPException and for Exception that answer one JSON shape (Flask's defaults are HTML pages); never run with debug=True in production.",
      language: 'python',
      snippet: `from werkzeug.exceptions import HTTPException


@app.errorhandler(HTTPException)
def http_error(e):
    return {"code": e.name.lower().replace(" ", "_"), "message": e.description}, e.code


@app.errorhandler(Exception)
def internal_error(e):
    app.logger.exception(e)
    return {"code": "internal", "message": "internal error"}, 500`,
    }),
    ...each(V.cors, {
      fix: 'Use flask-cors with an explicit origin list.',
      language: 'python',
      snippet: 'CORS(app, origins=["https://app.example.com"], supports_credentials=True)',
    }),
    ...each(V.defaultDeny, {
      fix: 'Authenticate in a before_request hook with an allow-list of public endpoints, so new views are private by default.',
      language: 'python',
      snippet: `@app.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user():
        abort(401)`,
    }),
    ...each(V.background, {
      fix: 'Answer 202 and hand the work to a queue (Celery, RQ).',
      language: 'python',
      snippet: `@app.post("/api/imports")
def start_import():
    job = run_import.delay(request.get_json())
    return {"id": job.id, "status": "queued"}, 202, {"Location": f"/api/imports/{job.id}"}`,
    }),
    ...each(V.adminSurface, {
      fix: 'Register admin and API-docs blueprints only where they are meant to be reached.',
      language: 'python',
      snippet: `if app.config.get("ADMIN_ENABLED"):  # true only on the internal deployment
    app.register_blueprint(admin_blueprint, url_prefix="/admin")`,
    }),
    ...each(V.metrics, {
      fix: 'Add prometheus-flask-exporter: a counter flask_http_request_total (method, status) and a histogram flask_http_request_duration_seconds recorded after every response; group by the URL rule and give buckets around your p95 target.',
      language: 'python',
      snippet: `from prometheus_flask_exporter import PrometheusMetrics

metrics = PrometheusMetrics(
    app,  # serves GET /metrics
    group_by="url_rule",  # "/orders/<int:order_id>", not the raw path (the default group_by is "path")
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),  # around a 500 ms p95 target
)`,
    }),
    ...each(V.metricLabels, {
      fix: 'prometheus-flask-exporter labels its histogram by the raw request path unless told otherwise: group by the URL rule (the route template).',
      language: 'python',
      snippet: 'metrics = PrometheusMetrics(app, group_by="url_rule")',
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'flask_http_request_total', errors: 'status=~"5.."', buckets: 'flask_http_request_duration_seconds_bucket' },
        'prometheus-flask-exporter',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Log JSON (python-json-logger) with a filter that stamps g.request_id on every record, one line per request from after_request, and keep Flask\'s own "Exception on …" error line, which then carries the id.',
      language: 'python',
      snippet: `import logging
import time

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter  # python-json-logger 3.x


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


handler = logging.StreamHandler()
handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"))
handler.addFilter(RequestIdFilter())
app.logger.handlers = [handler]
app.logger.setLevel(logging.INFO)


@app.before_request
def start_timer():
    g.start = time.perf_counter()


@app.after_request
def log_request(response):
    app.logger.info("request", extra={
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else "unmatched",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.start) * 1000, 1),
    })
    return response`,
    }),
    ...each(V.logCredentials, {
      fix: 'Flask and Werkzeug do not log headers; where your code logs request.headers, log a copy with the credentials masked, and rotate what was logged.',
      language: 'python',
      snippet: `SECRET_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}

def loggable_headers():
    return {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in request.headers.items()}`,
    }),
  },
});
