// Benchmark floor: the smallest node:http reverse proxy (no auth, routing, limits or logs), to show
// what any Node gateway pays for the extra hop before doing anything useful.
import http from 'node:http';

const [port, upstreamPort] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
http
  .createServer((req, res) => {
    if (req.method === 'GET') {
      res.end('{}');
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { 'content-type': 'application/json', 'content-length': body.length };
      const up = http.request(
        { host: '127.0.0.1', port: upstreamPort, method: 'POST', path: req.url, agent, headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  })
  .listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
