import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'go',
  name: 'Go (net/http, Gin)',
  kind: 'framework',
  version: 'Go 1.22+ net/http, Gin 1.10',
  signals: [
    { says: "Go's default 404 body `404 page not found` (net/http's ServeMux, Gin)", status: 404, body: /^404 page not found\n?$/ },
    { says: "Go's ServeMux 405 body `Method Not Allowed`", weight: 1, status: 405, body: /^Method Not Allowed\n$/ },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: 'Wrap the body in http.MaxBytesReader (Gin: the same on c.Request.Body); decoding past the cap fails with *http.MaxBytesError, answer 413.',
      language: 'go',
      snippet: `func capBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		next.ServeHTTP(w, r)
	})
}`,
    }),
    ...each([...V.headerSize, ...V.urlSize], {
      fix: 'Set MaxHeaderBytes on the http.Server (1 MiB by default) and timeouts, so slow or huge headers are refused.',
      language: 'go',
      snippet: `srv := &http.Server{Addr: ":8080", Handler: mux, MaxHeaderBytes: 16 << 10, ReadHeaderTimeout: 5 * time.Second}`,
    }),
    ...each(V.listCap, {
      fix: 'Parse limit with strconv.Atoi, answer 400 when it is not a positive integer, clamp it to the cap.',
      language: 'go',
      snippet: `limit := 50
if s := r.URL.Query().Get("limit"); s != "" {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		writeError(w, http.StatusBadRequest, "bad_limit", "limit must be a positive integer")
		return
	}
	limit = min(n, 100)
}`,
    }),
    ...each(V.pagination, {
      fix: 'Page by key: fetch limit+1 rows after the cursor and return the last id as next_cursor when there are more.',
      language: 'go',
      snippet: `rows, err := db.QueryContext(ctx, "SELECT id, sku FROM orders WHERE id > $1 ORDER BY id LIMIT $2", after, limit+1)
// …scan into orders…
var next *string
if len(orders) > limit {
	orders = orders[:limit]
	id := strconv.FormatInt(orders[limit-1].ID, 10)
	next = &id
}
json.NewEncoder(w).Encode(map[string]any{"data": orders, "next_cursor": next})`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'The defaults answer plain text: register a JSON catch-all 404 (Gin: r.NoRoute, r.NoMethod) and a recovery middleware that answers JSON without the panic.',
      language: 'go',
      snippet: `r := gin.New()
r.Use(gin.CustomRecovery(func(c *gin.Context, _ any) {
	c.AbortWithStatusJSON(500, gin.H{"code": "internal", "message": "internal error"})
}))
r.NoRoute(func(c *gin.Context) { c.JSON(404, gin.H{"code": "not_found", "message": "no such route"}) })`,
    }),
    ...each(V.requestId, {
      fix: 'Add a middleware that keeps a valid caller id (or makes a UUID), puts it in the context for the logger and on the response (Gin: github.com/gin-contrib/requestid).',
      language: 'go',
      snippet: `var validID = regexp.MustCompile(\`^[\\w.:-]{1,128}$\`)

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validID.MatchString(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}`,
    }),
    ...each(V.background, {
      fix: 'Hand the work to a queue (asynq, River) and answer 202 with a status URL; a goroutine dies with the process.',
      language: 'go',
      snippet: `info, err := client.Enqueue(asynq.NewTask("import", payload))
if err != nil { writeError(w, 503, "queue_unavailable", "try again"); return }
w.Header().Set("Location", "/api/imports/"+info.ID)
w.WriteHeader(http.StatusAccepted)`,
    }),
    ...each(V.defaultDeny, {
      fix: 'Wrap the whole mux in the auth middleware with an allow-list of public paths, so a new route is private by default.',
      language: 'go',
      snippet: `func requireAuth(public map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !public[r.URL.Path] && !authenticated(r) {
			writeError(w, http.StatusUnauthorized, "unauthorized", "credentials required")
			return
		}
		next.ServeHTTP(w, r)
	})
}`,
    }),
    ...each(V.cors, {
      fix: 'Use github.com/rs/cors with an explicit origin list.',
      language: 'go',
      snippet:
        'handler := cors.New(cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}).Handler(mux)',
    }),
    ...each(V.metrics, {
      fix: 'Wrap the whole mux in one middleware that times every request into a client_golang histogram (method, route pattern, status code; its _count is the request counter) and serve it with promhttp.Handler(); buckets around your p95 target.',
      language: 'go',
      snippet: `var httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "http_request_duration_seconds",
	Help:    "HTTP request duration in seconds by method, route pattern and status code.",
	Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}, // around a 500 ms p95 target
}, []string{"method", "route", "code"})

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// instrument wraps the ServeMux itself: the mux sets r.Pattern (Go 1.23+) on the request it routes.
func instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		httpDuration.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}

// mux.Handle("GET /metrics", promhttp.Handler())
// http.ListenAndServe(":8080", requestID(instrument(mux)))`,
    }),
    ...each(V.metricLabels, {
      fix: 'Label by the matched pattern (Go 1.23+ r.Pattern, e.g. "GET /orders/{id}"; Gin: c.FullPath()) and one fixed value when none matched, never r.URL.Path.',
      language: 'go',
      snippet: `route := r.Pattern // Gin: c.FullPath()
if route == "" {
	route = "unmatched"
}`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'http_request_duration_seconds_count', errors: 'code=~"5.."', buckets: 'http_request_duration_seconds_bucket' },
        'the client_golang histogram',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Log one JSON line per request with log/slog (request id, method, route, status, duration), at Error level for a 5xx; the handler that answers a 5xx logs its error with the same request id.',
      language: 'go',
      snippet: `var logger = slog.New(slog.NewJSONHandler(os.Stdout, nil))

// Inside requestID, around the mux (statusRecorder as in the metrics fix).
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		logger.LogAttrs(r.Context(), level, "request",
			slog.Any("request_id", r.Context().Value(requestIDKey{})),
			slog.String("method", r.Method),
			slog.String("route", r.Pattern),
			slog.Int("status", rec.status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
	})
}`,
    }),
    ...each(V.logCredentials, {
      fix: 'Never log r.Header whole (slog prints the map as it is); mask credential attributes in the handler with ReplaceAttr and log single headers by name; rotate what was logged.',
      language: 'go',
      snippet: `var logger = slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
	ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		switch strings.ToLower(a.Key) {
		case "authorization", "cookie", "x-api-key":
			return slog.String(a.Key, "***")
		}
		return a
	},
}))`,
    }),
  },
});
