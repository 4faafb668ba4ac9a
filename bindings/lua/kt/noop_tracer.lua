-- Kong's no-op tracer (tracing.new(name, { noop = true })): a tracer with every function a real
-- one has, none of which records anything or calls into libkt.so.
local span = require "kt.span"

local NOOP = span.NOOP

local function none() return nil end
local function done() return true end
local function empty() return {} end
local function never() return false end
local function noop_span() return NOOP end

local tracer = {
    name = "noop",
    sampling_rate = 0,
    namespace = "noop",
    spans_table_key = "noop",
    start_span = noop_span,
    create_span = noop_span,
    link_span = none,
    active_span = none,
    set_active_span = done,
    process_span = done,
    get_root_span = none,
    get_spans = empty,
    init_spans = empty,
    set_should_sample = done,
    get_sampling_decision = never,
    sampler = never,
}

return tracer
