import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'aspnet-core',
  name: 'ASP.NET Core',
  kind: 'framework',
  version: 'ASP.NET Core 8/9 (Kestrel)',
  signals: [
    { says: '`Server: Kestrel`', header: ['server', /^Kestrel$/i] },
    {
      says: "ASP.NET Core's problem details with a `traceId`",
      status: [400, 401, 403, 404, 405, 413, 415, 500],
      body: /"type":"https:\/\/tools\.ietf\.org\/html\/rfc\d+#section-[\d.]+".*"traceId":"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"/,
    },
    { says: 'an `.AspNetCore.` cookie', weight: 1, cookie: /^\.AspNetCore\./ },
    { says: "Swashbuckle's document path /swagger/v1/swagger.json", weight: 1, status: 200, path: /^\/swagger\/v\d+\/swagger\.json$/ },
    { says: 'an NSwag-generated OpenAPI document (`"x-generator": "NSwag …"`)', status: 200, body: /^\{\s*"x-generator"\s*:\s*"NSwag/ },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: "Lower Kestrel's MaxRequestBodySize (30 MB by default) or put [RequestSizeLimit] on the endpoint; Kestrel answers 413.",
      language: 'csharp',
      snippet: 'builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = 1024 * 1024);',
    }),
    ...each([...V.headerSize, ...V.urlSize], {
      fix: "Set Kestrel's header and request-line limits explicitly (it answers 431 / 414).",
      language: 'csharp',
      snippet: `builder.WebHost.ConfigureKestrel(o => {
    o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
    o.Limits.MaxRequestLineSize = 8 * 1024;
});`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Use problem details for every error and the exception handler (never the developer exception page outside Development).',
      language: 'csharp',
      snippet: `builder.Services.AddProblemDetails();
app.UseExceptionHandler();
app.UseStatusCodePages();`,
    }),
    ...each(V.requestId, {
      fix: 'Add a middleware that keeps a valid caller id (or uses HttpContext.TraceIdentifier) and sets it on the response before it starts.',
      language: 'csharp',
      snippet: `app.Use(async (ctx, next) => {
    var sent = ctx.Request.Headers["X-Request-Id"].ToString();
    ctx.TraceIdentifier = Regex.IsMatch(sent, @"^[\\w.:-]{1,128}$") ? sent : Guid.NewGuid().ToString();
    ctx.Response.OnStarting(() => { ctx.Response.Headers["X-Request-Id"] = ctx.TraceIdentifier; return Task.CompletedTask; });
    await next();
});`,
    }),
    ...each(V.versionHeader, {
      fix: 'Stop Kestrel sending its Server header.',
      language: 'csharp',
      snippet: 'builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);',
    }),
    ...each(V.defaultDeny, {
      fix: 'Set a fallback authorization policy that requires an authenticated user; mark public endpoints [AllowAnonymous].',
      language: 'csharp',
      snippet: `builder.Services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());`,
    }),
    ...each(V.adminSurface, {
      fix: 'Map Swagger only in Development.',
      language: 'csharp',
      snippet: 'if (app.Environment.IsDevelopment()) { app.UseSwagger(); app.UseSwaggerUI(); }',
    }),
    ...each(V.listCap, {
      fix: 'Bind limit with a [Range] so model validation answers 400 (problem details) outside it, and default it.',
      language: 'csharp',
      snippet: `app.MapGet("/api/orders", ([Range(1, 100)] int limit = 50, string? cursor = null) => orders.Page(limit, cursor))
   .WithParameterValidation(); // or [ApiController] actions, which validate [Range] themselves`,
    }),
    ...each(V.cors, {
      fix: 'Name the allowed origins in a CORS policy; never AllowAnyOrigin with credentials (SetIsOriginAllowed(_ => true) is the same hole).',
      language: 'csharp',
      snippet: `builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins("https://app.example.com").AllowCredentials().AllowAnyHeader()));
app.UseCors();`,
    }),
    ...each(V.background, {
      fix: 'Queue the work (a Channel read by a BackgroundService, or Hangfire) and answer 202 with a status URL.',
      language: 'csharp',
      snippet: `app.MapPost("/api/imports", async (ImportRequest body, Channel<ImportJob> queue) => {
    var job = new ImportJob(Guid.NewGuid(), body);
    await queue.Writer.WriteAsync(job);
    return Results.Accepted($"/api/imports/{job.Id}", new { id = job.Id, status = "queued" });
});`,
    }),
    ...each(V.metrics, {
      fix: 'Add prometheus-net.AspNetCore: UseHttpMetrics after UseRouting counts every request (http_requests_received_total with code, method, controller, action, endpoint) and times it in the http_request_duration_seconds histogram (exponential buckets from 1 ms); MapMetrics serves /metrics.',
      language: 'csharp',
      snippet: `using Prometheus; // dotnet add package prometheus-net.AspNetCore

app.UseRouting();
app.UseHttpMetrics(); // after UseRouting: the matched endpoint becomes the label
app.MapControllers();
app.MapMetrics(); // GET /metrics (keep it off the public host)`,
    }),
    ...each(V.metricLabels, {
      fix: "Label by the endpoint's route pattern (prometheus-net does after UseRouting); a hand-made metric uses RoutePattern.RawText, never Request.Path.",
      language: 'csharp',
      snippet: 'var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched"; // "orders/{id}"',
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'http_requests_received_total', errors: 'code=~"5.."', buckets: 'http_request_duration_seconds_bucket' },
        'prometheus-net',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Log through Serilog as JSON: UseSerilogRequestLogging writes one event per request (method, path, status, elapsed; at Error with the exception for a 5xx), and the request-id middleware pushes the id into the log context so every event carries it.',
      language: 'csharp',
      snippet: `using Serilog; // dotnet add package Serilog.AspNetCore
using Serilog.Context;
using Serilog.Formatting.Compact;

builder.Services.AddSerilog(lc => lc.Enrich.FromLogContext().WriteTo.Console(new RenderedCompactJsonFormatter()));
var app = builder.Build();
app.Use(async (context, next) => {
    // after the request-id middleware, which keeps the id in TraceIdentifier
    using (LogContext.PushProperty("request_id", context.TraceIdentifier)) await next(context);
});
app.UseSerilogRequestLogging();`,
    }),
    ...each(V.logCredentials, {
      fix: "Serilog's request logging logs no headers; ASP.NET Core's HTTP logging redacts every header not in RequestHeaders: never add Authorization or Cookie there, and rotate what was logged.",
      language: 'csharp',
      snippet: `builder.Services.AddHttpLogging(o => {
    o.LoggingFields = HttpLoggingFields.RequestPropertiesAndHeaders | HttpLoggingFields.ResponseStatusCode;
    // Authorization and Cookie are not in o.RequestHeaders, so they are logged as [Redacted]
});`,
    }),
  },
});
