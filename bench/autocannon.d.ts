// The few parts of autocannon's API the benchmark uses (it ships no types).
declare module 'autocannon' {
  interface Result {
    duration: number;
    requests: { total: number; average: number };
  }
  function autocannon(options: { url: string; connections: number; amount?: number; duration?: number }): Promise<Result>;
  export default autocannon;
}
