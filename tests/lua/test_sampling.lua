-- kt's sampling rule against Kong's, measured on random 16-byte trace ids. kt keeps a trace when
-- the id's rightmost 56 bits (random under W3C Level 2) reach OpenTelemetry's threshold for the
-- rate; Kong reads the id's first 8 bytes as a native-endian 64-bit integer and keeps it below
-- rate * 2^64. Both keep the rate's share, and both decide the same for the same id every time;
-- they read different bytes, so on one id they agree only as two independent draws do:
-- rate^2 + (1 - rate)^2. The measured shares are printed (bindings/lua/README.md quotes them).
local ffi = require "ffi"
local t = require "runner"
local tracing = require "kt.tracing"

local N = 200000

local function random_id()
    local bytes = {}
    for i = 1, 16 do bytes[i] = string.char(math.random(0, 255)) end
    return table.concat(bytes)
end

-- Kong's rule, as its tracer applies it to a trace id of at least 8 bytes.
local function kong_sampled(id, rate)
    if rate >= 1 then return true end
    if rate <= 0 then return false end
    return ffi.cast("const uint64_t *", ffi.cast("const char *", id))[0] < rate * 2 ^ 64
end

math.randomseed(20240613)
local ids = {}
for i = 1, N do ids[i] = random_id() end

t.test("each rule keeps the rate's share; they agree on an id as independent draws do", function()
    print(("| rate | kt keeps | Kong keeps | same decision | expected if independent |"))
    print("|---:|---:|---:|---:|---:|")
    for _, rate in ipairs { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 } do
        local tracer = tracing.new("sampling", { sampling_rate = rate })
        local kt_kept, kong_kept, same = 0, 0, 0
        for i = 1, N do
            local id = ids[i]
            local a = tracer.sampler(id)
            local b = kong_sampled(id, rate)
            if a then kt_kept = kt_kept + 1 end
            if b then kong_kept = kong_kept + 1 end
            if a == b then same = same + 1 end
        end
        local expected = rate * rate + (1 - rate) * (1 - rate)
        print(("| %.2f | %.4f | %.4f | %.4f | %.4f |"):format(rate, kt_kept / N, kong_kept / N, same / N, expected))
        t.ok(math.abs(kt_kept / N - rate) < 0.005, "kt kept " .. kt_kept / N .. " at " .. rate)
        t.ok(math.abs(kong_kept / N - rate) < 0.005, "Kong kept " .. kong_kept / N .. " at " .. rate)
        t.ok(math.abs(same / N - expected) < 0.005, "agreed on " .. same / N .. ", expected about " .. expected)
    end
end)

t.test("kt's rule: a lower rate keeps a subset of what a higher one keeps, on every id", function()
    local low, high = tracing.new("low", { sampling_rate = 0.2 }), tracing.new("high", { sampling_rate = 0.6 })
    for i = 1, 20000 do
        if low.sampler(ids[i]) then t.eq(high.sampler(ids[i]), true) end
    end
end)

t.test("kt's rule reads only the rightmost 7 bytes: the first 9 change nothing", function()
    local tracer = tracing.new("sampling", { sampling_rate = 0.5 })
    for i = 1, 2000 do
        local id = ids[i]
        t.eq(tracer.sampler(random_id():sub(1, 9) .. id:sub(10)), tracer.sampler(id))
    end
end)

t.test("the sampler agrees with the sampling of spans started in that trace", function()
    assert(tracing.init { exporter = "none" })
    local tracer = tracing.new("sampling", { sampling_rate = 0.5 })
    for i = 1, 2000 do
        local span = tracer.start_span("sampled?", { trace_id = ids[i] })
        t.eq(span.should_sample, tracer.sampler(ids[i]))
        span:release()
    end
end)

t.run()
