import { alertRulesFix, defineStack, each, V } from './api.js';

export default defineStack({
  id: 'spring-boot',
  name: 'Spring Boot',
  kind: 'framework',
  version: 'Spring Boot 3 (Spring MVC on Tomcat)',
  signals: [
    {
      says: 'Spring Boot\'s default error body `{"timestamp":…,"status":404,"error":"Not Found","path":…}`',
      status: [400, 404, 405, 500],
      body: /^\{"timestamp":"[^"]+","status":\d{3},"error":"[^"]+",("message":"[^"]*",)?"path":"[^"]*"\}$/,
    },
    { says: "Spring's Whitelabel Error Page", status: [400, 401, 403, 404, 405, 500], body: /Whitelabel Error Page/ },
    {
      says: 'springdoc\'s OpenAPI document ("Generated server url")',
      status: 200,
      // Anchored: only a body that is an OpenAPI document is searched, not every 200 of the run.
      body: /^\{"openapi":"3[^"]*","info":\{.*?\},"servers":\[\{"url":"[^"]*","description":"Generated server url"\}/,
    },
    { says: 'the servlet `JSESSIONID` cookie', weight: 1, cookie: /^JSESSIONID$/ },
    { says: 'springdoc / actuator paths', weight: 1, status: 200, path: /^\/(v3\/api-docs|actuator)(\/|$)/ },
  ],
  fixes: {
    ...each(V.bodySize, {
      fix: 'Cap forms in Tomcat and JSON bodies before they are read (Spring reads any JSON size): a filter on Content-Length, and the proxy cap.',
      language: 'properties',
      snippet: `server.tomcat.max-http-form-post-size=1MB
server.tomcat.max-swallow-size=1MB
spring.servlet.multipart.max-request-size=1MB`,
    }),
    ...each([...V.headerSize, ...V.urlSize], {
      fix: 'Set the header cap (Tomcat answers 400 by default; the request line counts too).',
      language: 'properties',
      snippet: 'server.max-http-request-header-size=16KB',
    }),
    ...each(V.listCap, {
      fix: 'Cap Spring Data page sizes globally; @Max on a @RequestParam caps hand-written ones.',
      language: 'properties',
      snippet: 'spring.data.web.pageable.max-page-size=100\nspring.data.web.pageable.default-page-size=50',
    }),
    ...each(V.pagination, {
      fix: "Take a Pageable and return Spring Data's page model, which carries the page links and totals (stable JSON since Boot 3.3).",
      language: 'java',
      snippet: `@GetMapping("/api/orders")
PagedModel<Order> list(@PageableDefault(size = 50) Pageable pageable) {
  return new PagedModel<>(orders.findAll(pageable));
}`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Answer RFC 9457 problem details everywhere and never include stack traces or messages of unexpected exceptions.',
      language: 'properties',
      snippet: `spring.mvc.problemdetails.enabled=true
server.error.include-stacktrace=never
server.error.include-message=never
server.error.whitelabel.enabled=false`,
    }),
    ...each(V.requestId, {
      fix: 'Add a OncePerRequestFilter that keeps a valid caller id (or makes a UUID), puts it in the MDC for the logs and on the response.',
      language: 'java',
      snippet: `@Component @Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {
  protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
    String sent = req.getHeader("X-Request-Id");
    String id = sent != null && sent.matches("[\\\\w.:-]{1,128}") ? sent : UUID.randomUUID().toString();
    MDC.put("requestId", id);
    res.setHeader("X-Request-Id", id);
    try { chain.doFilter(req, res); } finally { MDC.remove("requestId"); }
  }
}`,
    }),
    ...each(V.adminSurface, {
      fix: 'Expose only health on the public port; move the rest of actuator to a management port that is not routed publicly.',
      language: 'properties',
      snippet: `management.endpoints.web.exposure.include=health
management.server.port=8081
springdoc.swagger-ui.enabled=false`,
    }),
    ...each(V.defaultDeny, {
      fix: 'End the SecurityFilterChain with anyRequest().authenticated() after the public matchers.',
      language: 'java',
      snippet: `http.authorizeHttpRequests(auth -> auth
    .requestMatchers("/health", "/api/login").permitAll()
    .anyRequest().authenticated());`,
    }),
    ...each(V.cors, {
      fix: 'Declare a CORS configuration with explicit origins; allowedOriginPatterns("*") with credentials lets any site in.',
      language: 'java',
      snippet: `@Bean CorsConfigurationSource cors() {
  var config = new CorsConfiguration();
  config.setAllowedOrigins(List.of("https://app.example.com"));
  config.setAllowCredentials(true);
  var source = new UrlBasedCorsConfigurationSource();
  source.registerCorsConfiguration("/**", config);
  return source;
}`,
    }),
    ...each(V.background, {
      fix: 'Queue the work (a message broker, or @Async with a persisted job) and answer 202 with a status URL.',
      language: 'java',
      snippet: `@PostMapping("/api/imports")
ResponseEntity<Job> start(@RequestBody ImportRequest body) {
  Job job = jobs.enqueue(body);
  return ResponseEntity.accepted().location(URI.create("/api/imports/" + job.id())).body(job);
}`,
    }),
    ...each(V.metrics, {
      fix: 'Add spring-boot-starter-actuator and micrometer-registry-prometheus: Micrometer times every request (http_server_requests_seconds, labelled method, uri, status, outcome); expose the prometheus endpoint, publish the histogram buckets, and add SLO buckets around your p95 target.',
      language: 'properties',
      snippet: `# runtimeOnly("io.micrometer:micrometer-registry-prometheus") next to spring-boot-starter-actuator
management.endpoints.web.exposure.include=health,prometheus
management.metrics.distribution.percentiles-histogram.http.server.requests=true
management.metrics.distribution.slo.http.server.requests=100ms,250ms,500ms,1s
# scrape /actuator/prometheus on a port the public cannot reach
management.server.port=8081`,
    }),
    ...each(V.metricLabels, {
      fix: "Micrometer labels uri with the handler's pattern ('/orders/{id}') and NOT_FOUND or UNKNOWN when none matched: drop any custom ServerRequestObservationConvention or filter that puts request.getRequestURI() in a tag.",
      language: 'java',
      snippet: `// Remove: a convention like this turns every id into a new series
// KeyValue.of("uri", context.getCarrier().getRequestURI())
// Keep the default DefaultServerRequestObservationConvention (uri = the matched pattern).`,
    }),
    ...each(
      V.alertRules,
      alertRulesFix(
        { requests: 'http_server_requests_seconds_count', errors: 'status=~"5.."', buckets: 'http_server_requests_seconds_bucket' },
        'Micrometer (buckets only with percentiles-histogram on)',
      ),
    ),
    ...each(V.requestLogs, {
      fix: 'Log JSON with logstash-logback-encoder (it adds the MDC, so the requestId the request-id filter puts there) or, on Boot 3.4+, logging.structured.format.console=logstash; add a filter that logs one line per request and logs the exception of a request that fails (@ExceptionHandler methods that answer 500 must log it themselves).',
      language: 'java',
      snippet: `// logback-spring.xml: <appender class="ch.qos.logback.core.ConsoleAppender"><encoder class="net.logstash.logback.encoder.LogstashEncoder"/></appender>
import static net.logstash.logback.argument.StructuredArguments.kv;

@Component @Order(Ordered.HIGHEST_PRECEDENCE + 1) // inside the request-id filter, so the MDC holds the id
class RequestLogFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger("api.request");

  protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
    long start = System.nanoTime();
    int status = 500;
    try {
      chain.doFilter(req, res);
      status = res.getStatus();
    } catch (ServletException | IOException | RuntimeException e) {
      log.error("request failed", e);
      throw e;
    } finally {
      log.info("request", kv("method", req.getMethod()), kv("path", req.getRequestURI()), kv("status", status),
          kv("duration_ms", (System.nanoTime() - start) / 1_000_000));
    }
  }
}`,
    }),
    ...each(V.logCredentials, {
      fix: 'Spring does not log headers unless asked: keep spring.mvc.log-request-details off, and give a CommonsRequestLoggingFilter that includes headers a predicate that drops the credentials; rotate what was logged.',
      language: 'java',
      snippet: `@Bean
CommonsRequestLoggingFilter requestLoggingFilter() {
  CommonsRequestLoggingFilter filter = new CommonsRequestLoggingFilter();
  filter.setIncludeHeaders(true);
  filter.setHeaderPredicate(h -> !h.equalsIgnoreCase("Authorization") && !h.equalsIgnoreCase("Cookie"));
  return filter;
}`,
    }),
  },
});
