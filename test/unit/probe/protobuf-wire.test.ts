import { describe, it, expect } from 'vitest';
import { decode, pb, read, WireError } from '../../../src/probe/protobuf-wire.js';

describe('protobuf wire codec', () => {
  it('encodes a PullImageRequest{image: ImageSpec{image}} byte for byte', () => {
    const body = pb.encode(pb.message(1, pb.encode(pb.string(1, 'nginx'))));
    // field 1, wire type 2, length 7 | field 1, wire type 2, length 5, "nginx"
    expect([...body]).toEqual([0x0a, 0x07, 0x0a, 0x05, 0x6e, 0x67, 0x69, 0x6e, 0x78]);
  });

  it('encodes StatusRequest{verbose: true} and omits false/empty fields', () => {
    expect([...pb.encode(pb.bool(1, true))]).toEqual([0x08, 0x01]);
    expect(pb.encode(pb.bool(1, false), pb.string(2, '')).length).toBe(0);
  });

  it('encodes multi-byte varint lengths', () => {
    const long = 'x'.repeat(300);
    const enc = pb.string(1, long);
    expect([...enc.subarray(0, 3)]).toEqual([0x0a, 0xac, 0x02]);
    expect(read.string(decode(enc), 1)).toBe(long);
  });

  it('decodes nested messages, repeated strings, maps and varints', () => {
    const entry = (k: string, v: string) => pb.message(2, pb.encode(pb.string(1, k), pb.string(2, v)));
    const image = pb.encode(pb.string(1, 'sha256:abc'), pb.string(2, 'a:1'), pb.string(2, 'b:2'), Buffer.from([0x20, 0x90, 0x11]));
    const msg = decode(pb.encode(pb.message(1, image), entry('config', '{}'), entry('golang', 'go1.22')));
    const img = read.message(msg, 1)!;
    expect(read.string(img, 1)).toBe('sha256:abc');
    expect(read.strings(img, 2)).toEqual(['a:1', 'b:2']);
    expect(read.uint(img, 4)).toBe(2192);
    expect(read.stringMap(msg, 2)).toEqual({ config: '{}', golang: 'go1.22' });
  });

  it('keeps unknown fixed32/fixed64 fields and rejects truncated input', () => {
    const m = decode(Buffer.from([0x0d, 1, 0, 0, 0, 0x11, 2, 0, 0, 0, 0, 0, 0, 0]));
    expect(m.get(1)).toEqual([1n]);
    expect(m.get(2)).toEqual([2n]);
    expect(() => decode(Buffer.from([0x0a, 0x05, 0x61]))).toThrow(WireError);
    expect(() => decode(Buffer.from([0x08, 0x80]))).toThrow(WireError);
    expect(() => decode(Buffer.from([0x0b]))).toThrow(/wire type 3/);
  });
});
