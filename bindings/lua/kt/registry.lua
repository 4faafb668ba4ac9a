-- The tracers this Lua state made, by name and namespace, so a span can name its tracer (Kong's
-- span.tracer) from what the engine knows of it.
local M = {}

local by_name = {}

--- Remembers a tracer under its name and its engine namespace; the first one made wins.
function M.add(tracer, name, namespace)
    local entry = by_name[name]
    if entry == nil then
        entry = {}
        by_name[name] = entry
    end
    if entry[namespace] == nil then entry[namespace] = tracer end
    if entry[1] == nil then entry[1] = tracer end
end

--- The tracer of that name and namespace, else the first of that name, else nil.
function M.find(name, namespace)
    local entry = by_name[name]
    if entry == nil then return nil end
    return entry[namespace] or entry[1]
end

return M
