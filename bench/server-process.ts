// Starts bench/server-process.mjs: a loopback server in its own process, so neither its event loop nor
// its memory is counted with the tool's (the latency and flat-memory rows measure the tool alone).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  /** The service times the server recorded of its own /delay answers. */
  times(): Promise<number[]>;
  stop(): void;
}

export async function startServerProcess(): Promise<ServerProcess> {
  const child = fork(fileURLToPath(new URL('../../bench/server-process.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  return {
    url,
    times: () =>
      new Promise((resolve) => {
        child.once('message', (m: { times: number[] }) => resolve(m.times));
        child.send('times');
      }),
    stop: () => child.kill(),
  };
}
