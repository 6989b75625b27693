/**
 * NO_PROXY as Go's httpproxy reads it (golang.org/x/net/http/httpproxy config.init and useProxy):
 * which requests a daemon keeps off its proxy.
 */
import { describe, expect, it } from 'vitest';
import { ipBytes, noProxyCovers } from '../../../src/checks/no-proxy.js';

describe('noProxyCovers', () => {
  it.each([
    // domains: a name matches itself and its subdomains; a leading dot or *. only the subdomains
    ['mirror.corp.example', 'mirror.corp.example:5000', 'https', true],
    ['corp.example', 'mirror.corp.example', 'https', true],
    ['.corp.example', 'mirror.corp.example', 'https', true],
    ['.corp.example', 'corp.example', 'https', false],
    ['*.corp.example', 'mirror.corp.example', 'https', true],
    ['orp.example', 'mirror.corp.example', 'https', false],
    ['*', 'anything:1', 'http', true],
    // a port in the entry must be the request's (the scheme's default when the URL has none)
    ['mirror.corp.example:443', 'mirror.corp.example', 'https', true],
    ['mirror.corp.example:443', 'mirror.corp.example:5000', 'https', false],
    ['mirror.corp.example:80', 'mirror.corp.example', 'http', true],
    // IPv4: an address (with a port when given) or a CIDR; a CIDR does not cover a name (cybozu-go/neco#1281)
    ['10.0.0.5', '10.0.0.5:5000', 'http', true],
    ['10.0.0.5:5000', '10.0.0.5:5001', 'http', false],
    ['10.0.0.0/8', '10.43.120.15:5000', 'http', true],
    ['10.0.0.0/8', '11.0.0.1', 'https', false],
    ['10.0.0.0/8', 'quay.registry.example.internal', 'https', false],
    // IPv6: an address, bracketed with a port, or a CIDR
    ['fd00:10::/64', '[fd00:10::5]:5000', 'https', true],
    ['fd00:10::5', '[fd00:10::5]:5000', 'https', true],
    ['[fd00:10::5]:5000', '[fd00:10::5]:5000', 'https', true],
    ['[fd00:10::5]:443', '[fd00:10::5]:5000', 'https', false],
    ['fd00:11::/64', '[fd00:10::5]:5000', 'https', false],
    ['10.0.0.0/8', '[fd00:10::5]:5000', 'https', false],
    // spaces and case, empty entries
    [' , Mirror.Corp.Example ,', 'mirror.corp.example', 'https', true],
  ])('NO_PROXY=%j, %s over %s: %s', (noProxy, host, scheme, covered) => {
    expect(noProxyCovers(noProxy, host, scheme)).toBe(covered);
  });
});

describe('ipBytes', () => {
  it.each([
    ['10.1.2.3', [10, 1, 2, 3]],
    ['::1', [...new Array(15).fill(0), 1]],
    ['fd00:10::5', [0xfd, 0, 0, 0x10, ...new Array(10).fill(0), 0, 5]],
    ['::ffff:10.0.0.1', [...new Array(10).fill(0), 255, 255, 10, 0, 0, 1]],
    ['256.1.1.1', null],
    ['1::2::3', null],
    ['mirror.example', null],
    ['1:2:3:4:5:6:7:8:9', null],
  ])('%s', (s, bytes) => {
    expect(ipBytes(s)).toEqual(bytes);
  });
});
