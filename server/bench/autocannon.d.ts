declare module 'autocannon' {
  interface Result {
    '2xx': number;
    non2xx: number;
    errors: number;
    latency: { p50: number; p99: number; average: number };
  }
  function autocannon(opts: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
