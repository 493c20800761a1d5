import { defineStack, each, V } from './api.js';
import { indented, PINO_HTTP_OPTIONS, PROM_CLIENT_ALERTS, PROM_CLIENT_HISTOGRAM, REQUEST_ID_MIDDLEWARE } from './express.js';

export default defineStack({
  id: 'nestjs',
  name: 'NestJS',
  kind: 'framework',
  version: 'NestJS 11+ on Express (platform-fastify noted where it differs)',
  // Nest runs on Express or Fastify; when Nest's own shapes are seen its pack is the one that helps.
  supersedes: ['express', 'fastify'],
  signals: [
    {
      says: 'NestJS\'s default 404 body `{"message":"Cannot GET /…","error":"Not Found","statusCode":404}`',
      status: 404,
      body: /^\{"message":"Cannot [A-Z]+ \/[^"]*","error":"Not Found","statusCode":404\}$/,
    },
    {
      says: 'NestJS\'s default 500 body `{"statusCode":500,"message":"Internal server error"}`',
      status: 500,
      body: /^\{"statusCode":500,"message":"Internal server error"\}$/,
    },
    {
      says: "@nestjs/swagger's document path (/api-json, /docs-json)",
      weight: 1,
      status: 200,
      path: /^\/(api|docs|swagger|api-docs)-json$/,
    },
  ],
  fixes: {
    ...each(V.requestId, {
      fix: 'In main.ts, before app.listen, add a middleware that keeps a valid caller id (or makes a UUID) and sets it on every response; exception filters keep it.',
      language: 'ts',
      snippet: REQUEST_ID_MIDDLEWARE,
    }),
    ...each(V.bodySize, {
      fix: "Turn off Nest's built-in body parser and register Express's with a limit (or app.useBodyParser with a limit).",
      language: 'ts',
      snippet: `const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false });
app.useBodyParser('json', { limit: '1mb' });`,
    }),
    ...each(V.listCap, {
      fix: 'Validate the query with a DTO and the global ValidationPipe: @Max caps limit, non-integers get 400.',
      language: 'ts',
      snippet: `export class ListQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 50;
  @IsOptional() @IsString() cursor?: string;
}
app.useGlobalPipes(new ValidationPipe({ transform: true }));`,
    }),
    ...each([...V.errorShape, ...V.leaks], {
      fix: 'Register one global exception filter that answers the same JSON shape for HttpException and anything else (logged, never echoed).',
      language: 'ts',
      snippet: `@Catch()
export class ApiErrors implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    res.status(status).json({ code: status >= 500 ? 'internal' : 'request_error', message: status >= 500 ? 'internal error' : (error as Error).message });
  }
}
app.useGlobalFilters(new ApiErrors());`,
    }),
    ...each(V.cors, {
      fix: 'Enable CORS with an explicit origin list, never origin: true with credentials.',
      language: 'ts',
      snippet: "app.enableCors({ origin: ['https://app.example.com'], credentials: true });",
    }),
    ...each(V.defaultDeny, {
      fix: 'Register the auth guard globally (APP_GUARD) and mark the public handlers with a @Public() decorator the guard lets through.',
      language: 'ts',
      snippet: `@Module({ providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] })
export class AppModule {}
export const Public = () => SetMetadata('isPublic', true);`,
    }),
    ...each(V.adminSurface, {
      fix: 'Serve the Swagger UI only outside production (or behind auth).',
      language: 'ts',
      snippet: "if (process.env.NODE_ENV !== 'production') SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, config));",
    }),
    ...each(V.background, {
      fix: 'Queue the slow work with @nestjs/bullmq and answer 202 with a status URL.',
      language: 'ts',
      snippet: `@Post('imports') @HttpCode(202)
async start(@Body() body: ImportDto, @Res({ passthrough: true }) res: Response) {
  const job = await this.imports.add('import', body);
  res.location(\`/api/imports/\${job.id}\`);
  return { id: job.id, status: 'queued' };
}`,
    }),
    ...each(V.metrics, {
      fix: "In main.ts, before app.listen: a prom-client histogram recorded by an Express middleware after every response (Nest's own 404s and exception-filter 500s count too), served on /metrics through the HTTP adapter.",
      language: 'ts',
      snippet: `// main.ts, once NestFactory.create(AppModule) has made app
${PROM_CLIENT_HISTOGRAM}
app.use((req, res, next) => {
  const end = httpDuration.startTimer();
  res.on('finish', () => end({ method: req.method, route: req.route?.path ?? 'unmatched', status_code: res.statusCode }));
  next();
});
app.getHttpAdapter().get('/metrics', async (req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.send(await client.register.metrics());
});`,
    }),
    ...each(V.metricLabels, {
      fix: "Label by the route template Express matched for the controller (req.route.path, e.g. '/orders/:id') and one fixed value for unmatched requests, never req.url.",
      language: 'ts',
      snippet: "res.on('finish', () => end({ method: req.method, route: req.route?.path ?? 'unmatched', status_code: res.statusCode }));",
    }),
    ...each(V.alertRules, PROM_CLIENT_ALERTS),
    ...each(V.requestLogs, {
      fix: "Use nestjs-pino (pino-http inside): one JSON line per request with method, url, statusCode, responseTime and the request id, and Nest's own logger (which logs unhandled exceptions with their stack) routed through it.",
      language: 'ts',
      snippet: `// app.module.ts
import { LoggerModule } from 'nestjs-pino';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: ${indented(PINO_HTTP_OPTIONS, 6)},
    }),
  ],
})
export class AppModule {}

// main.ts
const app = await NestFactory.create(AppModule, { bufferLogs: true });
app.useLogger(app.get(Logger)); // Logger from 'nestjs-pino'`,
    }),
    ...each(V.logCredentials, {
      fix: 'pino-http (under nestjs-pino) logs the request headers: redact Authorization and cookies in pinoHttp options, then rotate the credentials that reached the logs.',
      language: 'ts',
      snippet:
        "LoggerModule.forRoot({ pinoHttp: { redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '***' } } });",
    }),
  },
});
