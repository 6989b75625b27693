/**
 * A minimal protobuf wire-format codec: enough for the handful of CRI messages we use, so the
 * tool carries no .proto files and no protobufjs at run time. Pure.
 */

export type WireValue = bigint | Buffer;

/** A decoded message: field number → every value seen (varints as bigint, bytes as Buffer). */
export type WireMessage = Map<number, WireValue[]>;

function varint(n: bigint): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Buffer.from(out);
}

function tag(field: number, wireType: number): Buffer {
  return varint(BigInt((field << 3) | wireType));
}

/** Field builders; `encode` concatenates them into a message. */
export const pb = {
  string(field: number, value: string | undefined): Buffer {
    if (!value) return Buffer.alloc(0);
    const b = Buffer.from(value, 'utf8');
    return Buffer.concat([tag(field, 2), varint(BigInt(b.length)), b]);
  },
  bool(field: number, value: boolean | undefined): Buffer {
    return value ? Buffer.concat([tag(field, 0), varint(1n)]) : Buffer.alloc(0);
  },
  message(field: number, body: Buffer | undefined): Buffer {
    if (body === undefined) return Buffer.alloc(0);
    return Buffer.concat([tag(field, 2), varint(BigInt(body.length)), body]);
  },
  /** a map<string,string>: one entry message (key=1, value=2) per pair */
  stringMap(field: number, map: Record<string, string>): Buffer {
    return Buffer.concat(Object.entries(map).map(([k, v]) => pb.message(field, Buffer.concat([pb.string(1, k), pb.string(2, v)]))));
  },
  encode(...fields: Buffer[]): Buffer {
    return Buffer.concat(fields);
  },
};

export class WireError extends Error {}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i]!;
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [result, i + 1];
    shift += 7n;
  }
  throw new WireError('truncated varint');
}

/** Decodes one message level; unknown fields are kept, groups are rejected. */
export function decode(buf: Buffer): WireMessage {
  const msg: WireMessage = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: WireValue;
    if (wire === 0) {
      [value, pos] = readVarint(buf, p1);
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      const end = p2 + Number(len);
      if (end > buf.length) throw new WireError('truncated length-delimited field');
      value = buf.subarray(p2, end);
      pos = end;
    } else if (wire === 1) {
      if (p1 + 8 > buf.length) throw new WireError('truncated fixed64');
      value = buf.readBigUInt64LE(p1);
      pos = p1 + 8;
    } else if (wire === 5) {
      if (p1 + 4 > buf.length) throw new WireError('truncated fixed32');
      value = BigInt(buf.readUInt32LE(p1));
      pos = p1 + 4;
    } else {
      throw new WireError(`unsupported wire type ${wire}`);
    }
    const list = msg.get(field);
    if (list) list.push(value);
    else msg.set(field, [value]);
  }
  return msg;
}

export const read = {
  string(m: WireMessage, field: number): string {
    const v = m.get(field)?.[0];
    return Buffer.isBuffer(v) ? v.toString('utf8') : '';
  },
  strings(m: WireMessage, field: number): string[] {
    return (m.get(field) ?? []).filter(Buffer.isBuffer).map((v) => v.toString('utf8'));
  },
  message(m: WireMessage, field: number): WireMessage | undefined {
    const v = m.get(field)?.[0];
    return Buffer.isBuffer(v) ? decode(v) : undefined;
  },
  messages(m: WireMessage, field: number): WireMessage[] {
    return (m.get(field) ?? []).filter(Buffer.isBuffer).map((v) => decode(v));
  },
  bool(m: WireMessage, field: number): boolean {
    const v = m.get(field)?.[0];
    return typeof v === 'bigint' ? v !== 0n : false;
  },
  uint(m: WireMessage, field: number): number {
    const v = m.get(field)?.[0];
    return typeof v === 'bigint' ? Number(v) : 0;
  },
  /** a protobuf map<string,string> (repeated entry messages with key=1, value=2) */
  stringMap(m: WireMessage, field: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of read.messages(m, field)) out[read.string(entry, 1)] = read.string(entry, 2);
    return out;
  },
};
