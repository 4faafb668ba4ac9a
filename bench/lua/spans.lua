-- What the benchmarked OpenResty handler traces per request: a SERVER span made active, three
-- steps with an attribute each, and a CLIENT call, finished in order.
local tracing = require "kt.tracing"

local M = {}

function M.five()
    local root = tracing:start_span("request", { span_kind = tracing.SPAN_KIND.SERVER })
    tracing.set_active_span(root)
    for i = 1, 3 do
        local step = tracing:start_span("step")
        step:set_attribute("step.index", i)
        step:finish()
    end
    local db = tracing:start_span("db.query", { span_kind = tracing.SPAN_KIND.CLIENT })
    db:set_attribute("db.system", "postgresql")
    db:finish()
    root:set_attribute("http.response.status_code", 200)
    root:finish()
end

return M
