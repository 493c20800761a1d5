import { defineStack, each, V } from './api.js';

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
      fix: "Set the header cap (Tomcat answers 400 by default; the request line counts too).",
      language: 'properties',
      snippet: 'server.max-http-request-header-size=16KB',
    }),
    ...each(V.listCap, {
      fix: 'Cap Spring Data page sizes globally; @Max on a @RequestParam caps hand-written ones.',
      language: 'properties',
      snippet: 'spring.data.web.pageable.max-page-size=100\nspring.data.web.pageable.default-page-size=50',
    }),
    ...each(V.pagination, {
      fix: 'Take a Pageable and return Spring Data\'s page model, which carries the page links and totals (stable JSON since Boot 3.3).',
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
  },
});
