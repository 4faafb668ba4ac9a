// Decodes an OTLP ExportTraceServiceRequest with the code the OpenTelemetry JS project
// generates from the official schema, and prints it as JSON: ids as lower-case hex, 64-bit
// integers as decimal strings. Independent of kt's encoders.
//   node decode.js FILE          FILE holds protobuf
//   node decode.js --json FILE   FILE holds OTLP JSON (one request), read through the schema
'use strict';
const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const json = process.argv[2] === '--json';
const file = process.argv[json ? 3 : 2];
const toBase64 = (h) => Buffer.from(h, 'hex').toString('base64');
let message;
if (json) {
  // OTLP JSON carries ids as hex where the protobuf JSON mapping has base64.
  const request = JSON.parse(fs.readFileSync(file, 'utf8'));
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
  message = Request.fromObject(request);
} else {
  message = Request.decode(fs.readFileSync(file));
}
const object = Request.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });

const hex = (b64) => Buffer.from(b64, 'base64').toString('hex');
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
process.stdout.write(JSON.stringify(object));
