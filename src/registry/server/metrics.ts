/**
 * Counters served at /metrics in the Prometheus text format (0.0.4):
 * requests by route, method and status, bytes in and out, and uploads in
 * progress (a gauge read when scraped).
 */
export class Metrics {
  readonly #requests = new Map<string, number>();
  #bytesIn = 0;
  #bytesOut = 0;

  /** Records one finished request. */
  observe(r: {
    route: string;
    method: string;
    status: number;
    bytesIn: number;
    bytesOut: number;
  }): void {
    const key = `route="${r.route}",method="${r.method}",status="${r.status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    this.#bytesIn += r.bytesIn;
    this.#bytesOut += r.bytesOut;
  }

  /** The exposition text; `uploads` is the current number of uploads in progress. */
  render(uploads: number): string {
    const lines = [
      "# HELP registry_http_requests_total Requests served, by route, method and status.",
      "# TYPE registry_http_requests_total counter",
      ...[...this.#requests]
        .sort()
        .map(([k, v]) => `registry_http_requests_total{${k}} ${v}`),
      "# HELP registry_http_request_bytes_total Bytes received on the wire.",
      "# TYPE registry_http_request_bytes_total counter",
      `registry_http_request_bytes_total ${this.#bytesIn}`,
      "# HELP registry_http_response_bytes_total Bytes sent on the wire.",
      "# TYPE registry_http_response_bytes_total counter",
      `registry_http_response_bytes_total ${this.#bytesOut}`,
      "# HELP registry_uploads_in_progress Blob uploads started and not yet finished or cancelled.",
      "# TYPE registry_uploads_in_progress gauge",
      `registry_uploads_in_progress ${uploads}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}
