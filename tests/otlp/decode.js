// Decodes an OTLP ExportTraceServiceRequest with the code the OpenTelemetry JS project
// generates from the official schema, and prints it as JSON: ids as lower-case hex, 64-bit
// integers as decimal strings. Independent of kt's encoders.
//   node decode.js FILE          FILE holds protobuf
//   node decode.js --json FILE   FILE holds OTLP JSON (one request), read through the schema
//   node decode.js --jsonl FILE  FILE holds OTLP JSON requests, one per line (kt's file
//                                exporter); prints an array of the decoded requests
//   --lua (before FILE)          prints a Lua table literal instead of JSON (the Lua tests)
'use strict';
const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const file = args[args.length - 1];
const toBase64 = (h) => Buffer.from(h, 'hex').toString('base64');
const hex = (b64) => Buffer.from(b64, 'base64').toString('hex');

function fromJson(request) {
  // OTLP JSON carries ids as hex where the protobuf JSON mapping has base64.
  for (const rs of request.resourceSpans || []) {
    for (const ss of rs.scopeSpans || []) {
      for (const span of ss.spans || []) {
        for (const field of ['traceId', 'spanId', 'parentSpanId']) {
          if (span[field] !== undefined) span[field] = toBase64(span[field]);
        }
        for (const link of span.links || []) {
          link.traceId = toBase64(link.traceId);
          link.spanId = toBase64(link.spanId);
        }
      }
    }
  }
  return Request.fromObject(request);
}

function toPlain(message) {
  const object = Request.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
  for (const rs of object.resourceSpans || []) {
    for (const ss of rs.scopeSpans || []) {
      for (const span of ss.spans || []) {
        for (const field of ['traceId', 'spanId', 'parentSpanId']) {
          if (span[field] !== undefined) span[field] = hex(span[field]);
        }
        for (const link of span.links || []) {
          link.traceId = hex(link.traceId);
          link.spanId = hex(link.spanId);
        }
      }
    }
  }
  return object;
}

function luaString(text) {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
    else if (byte < 0x20 || byte > 0x7e) out += '\\' + byte;
    else out += String.fromCharCode(byte);
  }
  return out + '"';
}

function toLua(value) {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return '{' + value.map(toLua).join(',') + '}';
  if (typeof value === 'object') {
    return '{' + Object.keys(value).map((k) => '[' + luaString(k) + ']=' + toLua(value[k])).join(',') + '}';
  }
  if (typeof value === 'string') return luaString(value);
  return String(value);
}

let object;
if (flag('--jsonl')) {
  object = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '')
    .map((line) => toPlain(fromJson(JSON.parse(line))));
} else if (flag('--json')) {
  object = toPlain(fromJson(JSON.parse(fs.readFileSync(file, 'utf8'))));
} else {
  object = toPlain(Request.decode(fs.readFileSync(file)));
}
process.stdout.write(flag('--lua') ? 'return ' + toLua(object) : JSON.stringify(object));
