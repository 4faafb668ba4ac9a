-- Lua values as kt_attribute: strings, booleans, numbers (integral ones as integers), int64
-- cdata, and arrays of one of those. Strings are passed as pointer and length, not copied; the
-- caller keeps them (and the anchors) alive until the kt_ call returns.
local ffi = require "ffi"

local type, pairs, tostring = type, pairs, tostring
local floor = math.floor

local M = {
    STRING = 1, BOOL = 2, INT = 3, DOUBLE = 4,
    STRING_ARRAY = 5, BOOL_ARRAY = 6, INT_ARRAY = 7, DOUBLE_ARRAY = 8,
}

local TWO_63 = 2 ^ 63
local int64_t = ffi.typeof("int64_t")

--- True when a Lua number is exported as an integer: integral and within int64's range.
local function is_integer(n)
    return n == floor(n) and n >= -TWO_63 and n < TWO_63
end
M.is_integer = is_integer

local function is_int64(value)
    return type(value) == "cdata" and ffi.istype(int64_t, value)
end
M.is_int64 = is_int64

local function fill_array(attribute, list, anchors, where)
    local n = #list
    -- An OpenTelemetry attribute is a value or an array of values of one type; a table with
    -- other keys (a map, or an array with holes) is refused rather than sent as a part of it.
    local entries = 0
    for _ in pairs(list) do entries = entries + 1 end
    if entries ~= n then
        return nil, where .. " is a table that is not an array (keys other than 1 to " .. n .. "); kt sends arrays of one type, not maps"
    end
    local first = list[1]
    local kind = type(first)
    for i = 1, n do
        local item = list[i]
        local item_kind = type(item)
        if item_kind ~= kind and not (kind == "number" and is_int64(item)) then
            return nil, where .. ": array items must all be of one type (item " .. i .. " is a " .. item_kind .. ", item 1 a " .. kind .. ")"
        end
    end
    if n == 0 then
        attribute.type = M.STRING_ARRAY
        attribute.value.array.items, attribute.value.array.count = nil, 0
        return true
    end
    local items
    if kind == "string" then
        items = ffi.new("kt_str[?]", n)
        for i = 1, n do items[i - 1].ptr, items[i - 1].len = list[i], #list[i] end
        attribute.type = M.STRING_ARRAY
    elseif kind == "boolean" then
        items = ffi.new("uint8_t[?]", n)
        for i = 1, n do items[i - 1] = list[i] and 1 or 0 end
        attribute.type = M.BOOL_ARRAY
    elseif kind == "number" or is_int64(first) then
        local integral = true
        for i = 1, n do
            local item = list[i]
            if type(item) == "number" and not is_integer(item) then integral = false break end
        end
        items = ffi.new(integral and "int64_t[?]" or "double[?]", n)
        for i = 1, n do items[i - 1] = list[i] end
        attribute.type = integral and M.INT_ARRAY or M.DOUBLE_ARRAY
    else
        return nil, where .. ": array items must be strings, booleans or numbers, not " .. kind .. "s"
    end
    anchors[#anchors + 1] = items
    attribute.value.array.items, attribute.value.array.count = items, n
    return true
end

--- Fills one kt_attribute; returns true, or nil and a message naming `where`.
function M.fill(attribute, key, value, anchors, where)
    if type(key) ~= "string" then
        return nil, where .. ": keys must be strings, got a " .. type(key) .. " (" .. tostring(key) .. ")"
    end
    attribute.key.ptr, attribute.key.len = key, #key
    local kind = type(value)
    if kind == "string" then
        attribute.type = M.STRING
        attribute.value.string.ptr, attribute.value.string.len = value, #value
    elseif kind == "number" then
        if value ~= value then
            return nil, where .. ": " .. key .. " is NaN"
        end
        if is_integer(value) then
            attribute.type, attribute.value.integer = M.INT, value
        else
            attribute.type, attribute.value.real = M.DOUBLE, value
        end
    elseif kind == "boolean" then
        attribute.type, attribute.value.boolean = M.BOOL, value and 1 or 0
    elseif is_int64(value) then
        attribute.type, attribute.value.integer = M.INT, value
    elseif kind == "table" then
        local ok, err = fill_array(attribute, value, anchors, where .. ": " .. key)
        if not ok then return nil, err end
    else
        return nil, where .. ": " .. key .. " has a value of type " .. kind .. " (string, number, boolean or an array of them expected)"
    end
    return true
end

-- Arrays made for a call are kept here until the kt_ call returns (a local that the code no
-- longer reads may be collected by then).
local pinned = {}

--- A table that holds the temporary arrays of one call; release it when the call returned.
function M.pin()
    local anchors = {}
    pinned[#pinned + 1] = anchors
    return anchors
end

function M.unpin()
    pinned[#pinned] = nil
end

local buffer_capacity = 16
local buffer = ffi.new("kt_attribute[?]", buffer_capacity)

--- Converts a table of attributes into a kt_attribute array (a reused buffer); returns the
--- array and its length, or nil and a message naming `where`. With keep_good, entries that
--- cannot be attributes are left out instead: the array of the others, its length, and a
--- message naming what was left out (nil when nothing was).
function M.from_table(attributes, anchors, where, keep_good)
    if type(attributes) ~= "table" then
        return nil, where .. " must be a table of attributes, not a " .. type(attributes)
    end
    local n = 0
    for _ in pairs(attributes) do n = n + 1 end
    if n > buffer_capacity then
        buffer_capacity = n
        buffer = ffi.new("kt_attribute[?]", n)
    end
    local i, refused = 0, nil
    for key, value in pairs(attributes) do
        local ok, err = M.fill(buffer[i], key, value, anchors, where)
        if ok then
            i = i + 1
        elseif keep_good then
            refused = refused and (refused .. "; " .. err) or err
        else
            return nil, err
        end
    end
    if keep_good then return buffer, i, refused end
    return buffer, n
end

return M
