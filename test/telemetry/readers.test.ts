import { describe, expect, it } from 'vitest';
import { findCounter, findDuration } from '../../checks/lib/metric-families.js';
import { parseExposition } from '../../src/telemetry/exposition.js';
import { readLogCommand } from '../../src/telemetry/logs.js';
import { durationMs } from '../../src/telemetry/prometheus.js';

describe('the exposition parser', () => {
  it('keeps every series of a labelled histogram, with escapes, timestamps and +Inf', () => {
    const { samples, types } = parseExposition(
      [
        '# HELP http_request_duration_seconds Durations',
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{route="/a",le="0.5"} 3',
        'http_request_duration_seconds_bucket{route="/a",le="+Inf"} 4 1700000000000',
        'http_request_duration_seconds_bucket{route="/b \\"q\\"\\\\x",le="+Inf"} 9',
        'http_request_duration_seconds_count{route="/a"} 4',
        'not a sample line',
      ].join('\n'),
    );
    expect(types.http_request_duration_seconds).toBe('histogram');
    expect(samples).toHaveLength(4);
    expect(samples[1]).toEqual({ name: 'http_request_duration_seconds_bucket', labels: { route: '/a', le: '+Inf' }, value: 4 });
    expect(samples[2]!.labels.route).toBe('/b "q"\\x');
  });

  it('reads OpenMetrics: a counter family whose samples end in _total, and # EOF', () => {
    const snapshot = {
      ...parseExposition(
        '# TYPE http_requests counter\nhttp_requests_total{code="200"} 5\nhttp_requests_created{code="200"} 1.7e9\n# EOF\n',
      ),
      source: 'x',
    };
    expect(findCounter(snapshot, undefined)?.series).toEqual([{ name: 'http_requests_total', labels: { code: '200' }, value: 5 }]);
  });

  it("recognises django-prometheus's counter as prometheus_client exposes it (with _total), with its status label", () => {
    const django = {
      ...parseExposition(
        '# TYPE django_http_responses_total_by_status_view_method counter\n' +
          'django_http_responses_total_by_status_view_method_total{method="GET",status="404",view="<unnamed view>"} 3\n',
      ),
      source: 'x',
    };
    expect(findCounter(django, undefined)?.name).toBe('django_http_responses_total_by_status_view_method_total');
    expect(findCounter(django, undefined)?.series[0]?.labels.status).toBe('404');
  });

  it('recognises Micrometer and OpenTelemetry histograms, and tells a summary from a histogram', () => {
    const micrometer = {
      ...parseExposition(
        'http_server_requests_seconds_bucket{uri="/a",le="0.3"} 1\nhttp_server_requests_seconds_count{uri="/a",status="200"} 1\n',
      ),
      source: 'x',
    };
    expect(findDuration(micrometer, undefined).histogram?.base).toBe('http_server_requests_seconds');
    expect(findCounter(micrometer, undefined)?.name).toBe('http_server_requests_seconds_count');
    const otel = { ...parseExposition('http_server_request_duration_seconds_bucket{http_route="/a",le="0.25"} 1\n'), source: 'x' };
    expect(findDuration(otel, undefined).histogram).toEqual({ base: 'http_server_request_duration_seconds', bounds: [0.25] });
    const summary = {
      ...parseExposition('# TYPE http_request_duration_seconds summary\nhttp_request_duration_seconds{quantile="0.95"} 0.2\n'),
      source: 'x',
    };
    expect(findDuration(summary, undefined)).toEqual({ summary: 'http_request_duration_seconds' });
  });
});

describe('the logs command', () => {
  it('is stopped at maxBytes, and what it printed is used', async () => {
    const read = await readLogCommand(['yes', '{"msg":"line"}'], 5000, 4096);
    expect(read.truncated).toBe(true);
    expect(read.lines.length).toBeGreaterThan(100);
    expect(read.lines.join('\n').length).toBeLessThanOrEqual(4096);
  });

  it('is stopped at timeoutMs', async () => {
    const started = Date.now();
    const read = await readLogCommand(['sh', '-c', 'echo first; sleep 20'], 300, 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(read).toMatchObject({ truncated: true, lines: ['first'] });
  });

  it('runs argv without a shell: metacharacters are arguments, not commands', async () => {
    const read = await readLogCommand(['echo', '$(id)', ';', 'ls'], 2000, 1024);
    expect(read.lines).toEqual(['$(id) ; ls']);
  });

  it('a command that cannot start is undecided with its name', async () => {
    await expect(readLogCommand(['/nonexistent/preflight-logs'], 1000, 1024)).rejects.toThrow(/could not run/);
  });
});

describe('Prometheus durations', () => {
  it.each([
    ['15s', 15000],
    ['1m30s', 90000],
    ['500ms', 500],
    ['', 0],
  ])('%s is %d ms', (text, ms) => expect(durationMs(text)).toBe(ms));
});
