import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'fastapi',
  name: 'FastAPI / Starlette',
  kind: 'framework',
  version: 'FastAPI 0.11x on Starlette 0.4x',
  signals: [
    { says: 'FastAPI\'s default 404 body `{"detail":"Not Found"}`', status: 404, body: /^\{"detail":"Not Found"\}$/ },
    { says: 'FastAPI\'s 405 body `{"detail":"Method Not Allowed"}`', status: 405, body: /^\{"detail":"Method Not Allowed"\}$/ },
    { says: 'FastAPI\'s validation error `{"detail":[{"loc":…,"msg":…}]}`', status: 422, body: /^\{"detail":\[\{.*"loc":\[.*"msg":/ },
    { says: '`server: uvicorn`', weight: 1, header: ['server', /^uvicorn$/i] },
    { says: "FastAPI's documentation paths (/openapi.json, /docs)", weight: 1, status: 200, path: /^\/(openapi\.json|docs|redoc)$/ },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: 'Add an HTTP middleware that keeps a valid caller id (or makes a UUID) and sets it on every response; it wraps the router, so 404s and handled errors carry it too.',
      language: 'python',
      snippet: `import re
import uuid


@app.middleware("http")
async def request_id(request, call_next):
    sent = request.headers.get("x-request-id", "")
    request.state.request_id = sent if re.fullmatch(r"[\\w.:-]{1,128}", sent) else str(uuid.uuid4())
    response = await call_next(request)
    response.headers["X-Request-Id"] = request.state.request_id
    return response`,
    }),
    ...each(V.bodySize, {
      fix: 'Starlette reads any body size: refuse large ones by Content-Length in a middleware (and cap at the proxy, e.g. nginx client_max_body_size); cap lists in the model with max_length.',
      language: 'python',
      snippet: `@app.middleware("http")
async def cap_body(request, call_next):
    if int(request.headers.get("content-length") or 0) > 1_048_576:
        return JSONResponse({"code": "too_large", "detail": "body over 1 MiB"}, status_code=413)
    return await call_next(request)


class Order(BaseModel):
    items: list[Item] = Field(max_length=100)`,
    }),
    ...each(V.listCap, {
      fix: 'Declare limit with bounds in the signature: FastAPI answers 422 to anything outside them.',
      language: 'python',
      snippet: `from fastapi import Query


@app.get("/api/orders")
def list_orders(limit: int = Query(50, ge=1, le=100), cursor: str | None = None):
    return orders_page(limit=limit, cursor=cursor)`,
    }),
    ...each(V.pagination, {
      fix: "Return a cursor with every page (fastapi-pagination's CursorPage does it for SQLAlchemy queries), null on the last one.",
      language: 'python',
      snippet: `from fastapi_pagination.cursor import CursorPage
from fastapi_pagination.ext.sqlalchemy import paginate


@app.get("/api/orders", response_model=CursorPage[OrderOut])
def list_orders(db: Session = Depends(get_db)):
    return paginate(db, select(Order).order_by(Order.id))`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Register exception handlers so HTTP errors, validation errors and unexpected ones answer one JSON shape with a code (never the traceback; keep debug=False).',
      language: 'python',
      snippet: `@app.exception_handler(StarletteHTTPException)
async def http_error(request, exc):
    return JSONResponse({"code": f"http_{exc.status_code}", "detail": exc.detail}, status_code=exc.status_code)


@app.exception_handler(RequestValidationError)
async def validation_error(request, exc):
    return JSONResponse({"code": "invalid_request", "detail": exc.errors()}, status_code=422)`,
    }),
    ...each(V.cors, {
      fix: 'Use CORSMiddleware with an explicit origin list; allow_origins=["*"] with credentials is refused by browsers, a regex that matches anything is not.',
      language: 'python',
      snippet: 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["*"])',
    }),
    ...each(V.defaultDeny, {
      fix: 'Put the auth dependency on the app (or the APIRouter), not on each route, and mount the few public routes on a separate router.',
      language: 'python',
      snippet: `app = FastAPI(dependencies=[Depends(require_user)])
public = APIRouter()  # /health, /login: included without the dependency
app.include_router(public)`,
    }),
    ...each(V.adminSurface, {
      fix: 'Turn off the interactive docs and the schema on the public app in production.',
      language: 'python',
      snippet: 'app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None if settings.production else "/openapi.json")',
    }),
    ...each(V.background, {
      fix: 'Answer 202 and run the work elsewhere: BackgroundTasks for short jobs, a queue (Celery, arq, RQ) for anything that must survive a restart.',
      language: 'python',
      snippet: `@app.post("/api/imports", status_code=202)
def start_import(body: ImportRequest, response: Response):
    job = queue.enqueue(run_import, body.model_dump())
    response.headers["Location"] = f"/api/imports/{job.id}"
    return {"id": job.id, "status": "queued"}`,
    }),
    ...each(V.metrics, {
      fix: 'Instrument with prometheus-fastapi-instrumentator: a counter http_requests_total (handler, status, method) and a histogram http_request_duration_seconds, recorded in a middleware for every response, 404s and 500s included; put buckets around your p95 target.',
      language: 'python',
      snippet: `from prometheus_fastapi_instrumentator import Instrumentator

Instrumentator(excluded_handlers=["/metrics"]).instrument(
    app, latency_lowr_buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)  # around a 500 ms p95 target
).expose(app)  # GET /metrics`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the route template: the instrumentator does (handler="/orders/{order_id}") and puts requests no route matched under handler="none"; a hand-made metric must not use request.url.path.',
      language: 'python',
      snippet: `Instrumentator(
    should_group_untemplated=True,  # unmatched paths -> handler="none" (the default; keep it)
    should_ignore_untemplated=False,  # but still count them, so 404 floods show
).instrument(app).expose(app)`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'http_requests_total', errors: 'status="5xx"', buckets: 'http_request_duration_seconds_bucket' },
        'the instrumentator (status codes grouped as 2xx…5xx by default)',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Log one JSON line per request from a middleware (python-json-logger) with the request id, method, route, status and duration, and log unhandled exceptions there with their traceback before they become a 500.',
      language: 'python',
      snippet: `import logging
import time

from pythonjsonlogger.json import JsonFormatter  # python-json-logger 3.x

handler = logging.StreamHandler()
handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
log = logging.getLogger("api.request")
log.addHandler(handler)
log.setLevel(logging.INFO)
log.propagate = False


@app.middleware("http")  # add it before the request-id middleware, so it runs inside it and sees request.state.request_id
async def log_request(request, call_next):
    start = time.perf_counter()
    fields = {"request_id": getattr(request.state, "request_id", None), "method": request.method}
    try:
        response = await call_next(request)
    except Exception:
        log.exception("request failed", extra={**fields, "path": request.url.path, "status": 500})
        raise
    route = request.scope.get("route")
    log.info("request", extra={
        **fields,
        "route": route.path if route else "unmatched",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - start) * 1000, 1),
    })
    return response`,
    }),
    ...each(V.logCredentials, {
      fix: 'Never log request.headers whole: log the fields you need, or a copy with the credential headers masked; rotate what was logged.',
      language: 'python',
      snippet: `SECRET_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}

def loggable_headers(headers):
    return {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}

log.info("request", extra={"headers": loggable_headers(request.headers)})`,
    }),
  },
});
