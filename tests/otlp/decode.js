// Decodes an OTLP ExportTraceServiceRequest (protobuf) with the code the OpenTelemetry JS
// project generates from the official schema, and prints it as JSON: ids as lower-case hex,
// 64-bit integers as decimal strings. Independent of kt's encoder.
'use strict';
const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const bytes = fs.readFileSync(process.argv[2]);
const message = Request.decode(bytes);
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
