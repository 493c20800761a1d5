import { defineStack, each, V } from './api.js';

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
    { says: 'FastAPI\'s documentation paths (/openapi.json, /docs)', weight: 1, status: 200, path: /^\/(openapi\.json|docs|redoc)$/ },
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
      fix: 'Return a cursor with every page (fastapi-pagination\'s CursorPage does it for SQLAlchemy queries), null on the last one.',
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
  },
});
