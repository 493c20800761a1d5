// A loopback server in its own process, so its event loop does not share time with the client's.
// GET /delay waits a delay from a seeded uniform 5–50 ms stream and records its own service time;
// GET /fast answers at once. Any other path answers an empty list page at once, with the request id
// echoed (the scale runs' 1,000-route API). The parent asks for the recorded times with the message 'times'.
import { createServer } from 'node:http';

let state = 42;
const nextDelay = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return 5 + (state / 2 ** 31) * 45;
};
const times = [];
const body = JSON.stringify({ ok: true });
const listPage = JSON.stringify({ data: [], next_cursor: null });

const server = createServer((req, res) => {
  const started = performance.now();
  const answer = () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body, () => req.url === '/delay' && times.push(performance.now() - started));
  };
  req.resume();
  if (req.url === '/delay') setTimeout(answer, nextDelay());
  else if (req.url === '/fast') answer();
  else {
    const requestId = String(req.headers['x-request-id'] ?? Math.random());
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(listPage),
      'x-request-id': requestId,
    });
    res.end(listPage);
  }
});
server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
process.on('message', (message) => {
  if (message === 'times') process.send({ times });
  if (message === 'stop') server.close(() => process.exit(0));
});
// Never outlive the benchmark.
setTimeout(() => process.exit(0), 300_000).unref();
process.on('disconnect', () => process.exit(0));
