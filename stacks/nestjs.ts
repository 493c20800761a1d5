import { defineStack, each, V } from './api.js';
import { REQUEST_ID_MIDDLEWARE } from './express.js';

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
      says: "NestJS's default 500 body `{\"statusCode\":500,\"message\":\"Internal server error\"}`",
      status: 500,
      body: /^\{"statusCode":500,"message":"Internal server error"\}$/,
    },
    { says: "@nestjs/swagger's document path (/api-json, /docs-json)", weight: 1, status: 200, path: /^\/(api|docs|swagger|api-docs)-json$/ },
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
  },
});
