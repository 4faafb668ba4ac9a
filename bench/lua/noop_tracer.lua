-- The no-op tracer of Kong's kong.tracing before tracing is configured: every call returns at once.
local function noop() end
local noop_span = { finish = noop, set_attribute = noop, add_event = noop, release = noop }
local tracer = {}
function tracer.start_span() return noop_span end
return tracer
