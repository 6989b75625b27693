/**
 * Reassembles `--http-dump` output (containerd v1.7.24 cmd/ctr/commands/resolver.go DebugTransport,
 * v2.1.9 pkg/httpdbg/debug.go): ctr writes httputil.DumpRequest[Out] and DumpResponse through a logrus
 * pipe at INFO, one log entry per wire line. Quirks handled:
 *
 *  - bodies have no terminating newline, so the next request or status line is glued to the end
 *    of the last body line (`{"schemaVersion":2,…}GET /v2/… HTTP/1.1`, `\x1f\x8b…HTTP/1.1 200 OK`);
 *  - binary bodies are split at `\n` bytes into several entries; they are counted, never kept;
 *  - concurrent fetches interleave requests and responses: a response is matched to the pending
 *    request whose path holds its Docker-Content-Digest, else to the oldest pending request;
 *  - the request line carries only the path (`Host:` follows), so the scheme is unknown.
 *
 * Only a handful of headers are kept; `Authorization` values never are (only their presence).
 */

const METHODS = ['GET ', 'HEAD ', 'POST ', 'PUT ', 'PATCH ', 'DELETE ', 'OPTIONS '];
// ctr dumps with httputil.DumpRequest, which prints the request's own protocol: `HTTP/0.0` for the
// request Go's client makes to follow a redirect (it sets no protocol on it)
const REQ_LINE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S{1,8192}) HTTP\/[0-9]\.[0-9]$/;
const REQ_END = / HTTP\/[0-9]\.[0-9]$/;
const STATUS_LINE = /^HTTP\/[12](?:\.[01])? ([1-5][0-9]{2})(?: .{0,200})?$/;
const HEADER = /^([A-Za-z0-9-]{1,64}): ?/;

export interface DumpRequest {
  method: string;
  path: string;
  host: string | null;
  userAgent: string | null;
  authorization: 'basic' | 'bearer' | 'other' | null;
  line: number;
  status: number | null;
  challenge: string | null;
  contentDigest: string | null;
  /** The response's `Location` (a redirect), or null */
  location: string | null;
  /** Response body: total characters seen, and whether it looked binary. Never the content. */
  bodyChars: number;
  bodyBinary: boolean;
  /** Registry error codes found in a JSON error body (e.g. MANIFEST_UNKNOWN). */
  errorCodes: string[];
}

type State = 'idle' | 'req-headers' | 'req-body' | 'resp-headers' | 'resp-body';

export class DumpAssembler {
  private state: State = 'idle';
  private req: DumpRequest | null = null;
  private resp: DumpRequest | null = null;
  private respDigest: string | null = null;
  private respStatus: number | null = null;
  private respChallenge: string | null = null;
  private respLocation: string | null = null;
  private respLine = 0;
  private respBody = '';
  private pending: DumpRequest[] = [];

  constructor(private readonly onRequest: (r: DumpRequest) => void) {}

  /**
   * Drops the unanswered requests `isGone` picks (those of a pull that ended: no response to them
   * can follow, and a later pull's response must not be matched to them).
   */
  forget(isGone: (r: DumpRequest) => boolean): void {
    if (this.pending.length > 0) this.pending = this.pending.filter((r) => !isGone(r));
  }

  /** True while inside a request or response (so any INFO line belongs to the dump). */
  get active(): boolean {
    return this.state !== 'idle';
  }

  /** Inside the body of a response that turned out binary (a blob): its lines carry nothing. */
  get inBinaryBody(): boolean {
    return this.state === 'resp-body' && this.resp !== null && this.resp.bodyBinary;
  }

  /** Is this INFO message the start of a dump (a request line, possibly glued after a body)? */
  static looksLikeStart(msg: string): boolean {
    return REQ_END.test(msg) || msg.startsWith('HTTP/1.');
  }

  /** Feeds one INFO message (`''` for an empty entry). Returns false when it was not dump text. */
  feed(msg: string, line: number): boolean {
    // request line, alone or glued after a body
    if (REQ_END.test(msg)) {
      let m = REQ_LINE.exec(msg);
      if (!m && msg.length > 12) {
        let best = -1;
        for (const meth of METHODS) {
          const k = msg.lastIndexOf(meth + '/');
          if (k > best) best = k;
        }
        if (best > 0) m = REQ_LINE.exec(msg.slice(best));
        if (m) this.body(msg.slice(0, best));
      }
      if (m) {
        this.finishResponse();
        this.finishRequest();
        this.req = {
          method: m[1] as string,
          path: m[2] as string,
          host: null,
          userAgent: null,
          authorization: null,
          line,
          status: null,
          challenge: null,
          contentDigest: null,
          location: null,
          bodyChars: 0,
          bodyBinary: false,
          errorCodes: [],
        };
        this.state = 'req-headers';
        return true;
      }
    }
    // status line, alone or glued after a body
    if (msg.startsWith('HTTP/')) {
      const m = STATUS_LINE.exec(msg);
      if (m) {
        this.startResponse(Number(m[1]), line);
        return true;
      }
    } else if (this.state === 'resp-body' || this.state === 'req-body') {
      const k = msg.lastIndexOf('HTTP/1.1 ');
      if (k > 0) {
        const m = STATUS_LINE.exec(msg.slice(k));
        if (m) {
          this.body(msg.slice(0, k));
          this.startResponse(Number(m[1]), line);
          return true;
        }
      }
    }
    switch (this.state) {
      case 'idle':
        return false;
      case 'req-headers': {
        if (msg === '') {
          this.finishRequest();
          this.state = 'req-body';
          return true;
        }
        const h = HEADER.exec(msg);
        if (h && this.req) {
          const name = (h[1] as string).toLowerCase();
          const value = msg.slice(h[0].length);
          if (name === 'host') this.req.host = value.trim();
          else if (name === 'user-agent') this.req.userAgent = value.trim().slice(0, 200);
          else if (name === 'authorization') {
            const v = value.trimStart().slice(0, 7).toLowerCase();
            this.req.authorization = v.startsWith('basic') ? 'basic' : v.startsWith('bearer') ? 'bearer' : 'other';
          }
        }
        return true;
      }
      case 'resp-headers': {
        if (msg === '') {
          this.state = 'resp-body';
          this.applyResponse();
          return true;
        }
        const h = HEADER.exec(msg);
        if (h) {
          const name = (h[1] as string).toLowerCase();
          const value = msg.slice(h[0].length);
          if (name === 'docker-content-digest') this.respDigest = value.trim();
          else if (name === 'www-authenticate') this.respChallenge = challengeSummary(value);
          else if (name === 'location') this.respLocation = value.trim().slice(0, 8192);
        }
        return true;
      }
      case 'req-body':
      case 'resp-body':
        this.body(msg);
        return true;
    }
  }

  /** Ends the current message (a non-dump line arrived or the input ended). */
  flush(): void {
    this.finishRequest();
    if (this.state === 'resp-headers') this.applyResponse();
    this.finishResponse();
    this.state = 'idle';
  }

  private body(text: string): void {
    if (!text) return;
    const target = this.state === 'resp-body' ? this.resp : null;
    if (!target) return;
    target.bodyChars += text.length;
    if (!target.bodyBinary && looksBinary(text)) target.bodyBinary = true;
    if (!target.bodyBinary && target.status !== null && target.status >= 400 && this.respBody.length < 4096) {
      this.respBody += text.slice(0, 4096);
    }
  }

  private startResponse(status: number, line: number): void {
    this.finishResponse();
    this.finishRequest();
    this.state = 'resp-headers';
    this.respStatus = status;
    this.respDigest = null;
    this.respChallenge = null;
    this.respLocation = null;
    this.respLine = line;
    this.respBody = '';
  }

  private applyResponse(): void {
    if (this.respStatus === null) return;
    let idx = -1;
    if (this.respDigest) idx = this.pending.findIndex((r) => r.path.includes(this.respDigest as string));
    // a redirect names its digest in the Location: the request for it, not the one to the Location's host
    const locDigest = this.respLocation ? /sha256:[0-9a-f]{64}/.exec(this.respLocation)?.[0] : undefined;
    if (idx < 0 && locDigest) {
      const locHost = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(this.respLocation ?? '')?.[1] ?? null;
      idx = this.pending.findIndex((r) => r.path.includes(locDigest) && r.host !== locHost);
    }
    if (idx < 0) idx = 0;
    const r = this.pending[idx];
    if (r) {
      this.pending.splice(idx, 1);
      r.status = this.respStatus;
      r.challenge = this.respChallenge;
      r.contentDigest = this.respDigest;
      r.location = this.respLocation;
      this.resp = r;
    } else this.resp = null;
    this.respStatus = null;
    void this.respLine;
  }

  private finishResponse(): void {
    if (this.resp && this.respBody) {
      const codes = this.respBody.match(/"code"\s*:\s*"([A-Z_]{2,40})"/g);
      if (codes) this.resp.errorCodes = codes.map((c) => c.replace(/.*"([A-Z_]+)"$/, '$1')).slice(0, 4);
    }
    this.resp = null;
    this.respBody = '';
  }

  private finishRequest(): void {
    if (this.req && this.state === 'req-headers') {
      this.pending.push(this.req);
      if (this.pending.length > 256) this.pending.shift();
      this.onRequest(this.req);
    }
    if (this.state === 'req-headers') this.state = 'req-body';
    this.req = null;
  }
}

/** Keeps the auth scheme and realm/service of a challenge; drops anything else. */
export function challengeSummary(v: string): string {
  const s = v.trim();
  const sp = s.indexOf(' ');
  const scheme = sp < 0 ? s : s.slice(0, sp);
  const realm = /realm="([^"]{0,200})"/.exec(s);
  const service = /service="([^"]{0,200})"/.exec(s);
  const err = /error="([^"]{0,64})"/.exec(s);
  let out = scheme.slice(0, 16);
  if (realm) out += ` realm="${realm[1]}"`;
  if (service) out += ` service="${service[1]}"`;
  if (err) out += ` error="${err[1]}"`;
  return out;
}

function looksBinary(s: string): boolean {
  const n = Math.min(s.length, 512);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x80 && c <= 0x9f)) bad++;
  }
  return bad > 0;
}
