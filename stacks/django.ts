import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'django',
  name: 'Django + Django REST framework',
  kind: 'framework',
  version: 'Django 4.2/5, DRF 3.14+',
  signals: [
    {
      says: "Django's default 404 page (`The requested resource was not found on this server.`)",
      status: 404,
      body: /The requested resource was not found on this server\./,
    },
    {
      says: 'DRF\'s error body `{"detail":"Not found."}`',
      status: 404,
      body: /^\{"detail":"(Not found|No \w+ matches the given query)\."\}$/,
    },
    {
      says: 'DRF\'s error body `{"detail":"Authentication credentials were not provided."}`',
      status: [401, 403],
      body: /^\{"detail":"Authentication credentials were not provided\."\}$/,
    },
    {
      says: "DRF's `Allow` and `Vary: Accept` on an API view's answer",
      header: ['vary', /\bAccept\b/],
      alsoHeader: ['allow', /\b(GET|POST)\b/],
      body: /^[[{]/,
      status: [200, 201, 400, 401, 403, 404, 405],
    },
    {
      says: "Django's `Cross-Origin-Opener-Policy: same-origin` with `X-Frame-Options: DENY`",
      weight: 1,
      header: ['cross-origin-opener-policy', /^same-origin$/],
      alsoHeader: ['x-frame-options', /^DENY$/],
    },
    { says: "Django's `csrftoken` / `sessionid` cookie", weight: 1, cookie: /^(csrftoken|sessionid)$/ },
    { says: "drf-spectacular's schema path (/api/schema/)", weight: 1, status: 200, path: /^\/api\/schema\/?$/ },
  ],
  fixes: {
    ...each(V.listCap, {
      fix: 'Turn on DRF pagination for every list view: with a PAGE_SIZE and no page-size parameter a client cannot ask for more (to let clients choose, subclass PageNumberPagination with page_size_query_param and max_page_size).',
      language: 'python',
      snippet: `REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}`,
    }),
    ...each(V.pagination, {
      fix: 'Use CursorPagination for large or changing lists: it answers next/previous links and never skips or repeats rows.',
      language: 'python',
      snippet: `REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}`,
    }),
    ...each(V.requestId, {
      fix: 'Add a middleware first in MIDDLEWARE that keeps a valid caller id (or makes a UUID) and sets it on the response (django-guid does the same and puts it on log lines).',
      language: 'python',
      snippet: `def request_id_middleware(get_response):
    def middleware(request):
        sent = request.headers.get("X-Request-Id", "")
        request.request_id = sent if re.fullmatch(r"[\\w.:-]{1,128}", sent) else str(uuid.uuid4())
        response = get_response(request)
        response["X-Request-Id"] = request.request_id
        return response
    return middleware
# settings.py: MIDDLEWARE = ["yourapp.middleware.request_id_middleware", *MIDDLEWARE]`,
    }),
    ...each(V.bodySize, {
      fix: 'Set DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default; DRF parsers read request.body, which enforces it) and cap at the proxy.',
      language: 'python',
      snippet: 'DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # settings.py: larger bodies raise RequestDataTooBig (400)',
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Keep DEBUG = False in production and give DRF one exception handler that adds a code; JSON 404/500 for non-DRF views come from handler404/handler500.',
      language: 'python',
      snippet: `REST_FRAMEWORK = {"EXCEPTION_HANDLER": "yourapp.errors.api_exception_handler"}

def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None:
        response.data = {"code": getattr(exc, "default_code", "error"), "detail": response.data}
    return response`,
    }),
    ...each(V.defaultDeny, {
      fix: 'Make authentication the default for every DRF view and opt the public ones out with AllowAny.',
      language: 'python',
      snippet: `REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}`,
    }),
    ...each(V.adminSurface, {
      fix: 'Do not route django.contrib.admin (or the DRF browsable API) on the public host: serve it on an internal host or path only in that deployment.',
      language: 'python',
      snippet: `urlpatterns = [path("api/", include(api_urls))]
if settings.ADMIN_ENABLED:  # true only on the internal deployment
    urlpatterns.append(path("admin/", admin.site.urls))`,
    }),
    ...each(V.cors, {
      fix: 'Use django-cors-headers with an explicit list; never CORS_ALLOW_ALL_ORIGINS with credentials.',
      language: 'python',
      snippet: 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\nCORS_ALLOW_CREDENTIALS = True',
    }),
    ...each(V.background, {
      fix: 'Hand the work to Celery and answer 202 with where to poll.',
      language: 'python',
      snippet: `class ImportView(APIView):
    def post(self, request):
        job = run_import.delay(request.data)
        return Response({"id": job.id, "status": "queued"}, status=202, headers={"Location": f"/api/imports/{job.id}"})`,
    }),
    ...each(V.metrics, {
      fix: 'Add django-prometheus: its first and last middlewares count every response by status, view and method and time it in a histogram (buckets from PROMETHEUS_LATENCY_BUCKETS). The audit reads its counter (django_http_responses_total_by_status_view_method_total) by that name.',
      language: 'python',
      snippet: `# settings.py
INSTALLED_APPS = [*INSTALLED_APPS, "django_prometheus"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
PROMETHEUS_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, float("inf"))  # around a 500 ms p95

# urls.py
urlpatterns = [*urlpatterns, path("", include("django_prometheus.urls"))]  # GET /metrics`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the view or the URL pattern (django-prometheus uses the view name; a hand-made metric uses request.resolver_match.route), never request.path.',
      language: 'python',
      snippet: `match = request.resolver_match
route = match.route if match else "unmatched"  # "api/orders/<int:pk>", not "/api/orders/42"`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        {
          requests: 'django_http_responses_total_by_status_view_method_total',
          errors: 'status=~"5.."',
          buckets: 'django_http_requests_latency_seconds_by_view_method_bucket',
        },
        'django-prometheus',
      ),
    ),
    ...each(V.requestLogs, {
      fix: "Django logs no line per request outside runserver: add a middleware that logs one JSON line (python-json-logger) with the request id, method, route, status and duration, and logs exceptions with the id (django.request's own error line has no id).",
      language: 'python',
      snippet: `# settings.py
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
}
# MIDDLEWARE: right after the request-id middleware: "yourapp.middleware.RequestLogMiddleware"

# yourapp/middleware.py
import logging
import time

log = logging.getLogger("api.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        match = request.resolver_match
        log.info("request", extra={
            "request_id": getattr(request, "request_id", None),
            "method": request.method,
            "route": match.route if match else "unmatched",
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - start) * 1000, 1),
        })
        return response

    def process_exception(self, request, exception):
        log.exception("request failed", extra={"request_id": getattr(request, "request_id", None)})`,
    }),
    ...each(V.logCredentials, {
      fix: "Django's own loggers do not log headers; where your code logs request.headers or request.META, log a copy with the credentials masked, and rotate what was logged.",
      language: 'python',
      snippet: `SECRET_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}

def loggable_headers(request):
    return {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in request.headers.items()}`,
    }),
  },
});
