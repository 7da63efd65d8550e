--- A small scheduler in the shape of LuaTask's sys.lua (our own code, Lua 5.1, --luat):
-- tasks are coroutines, timers are rtos timers (a task's sys.wait below 0x20000000,
-- callback timers above), messages are published to subscribers (functions or tasks),
-- and sys.run() is the main loop over rtos.receive(rtos.INF_TIMEOUT) dispatching msg.id.
module(..., package.seeall)

local TASK_TIMER_MAX = 0x1FFFFFFF   -- task timers: 1 .. 0x1FFFFFFF
local CALLBACK_TIMER_MAX = 0x7FFFFFFF -- callback timers: 0x20000000 .. 0x7FFFFFFF
local taskTimerId, callbackTimerId = 0, TASK_TIMER_MAX

local timers = {}        -- timer id -> task (a coroutine) or {fn =, args =, every =}
local subscribers = {}   -- message id -> {[function or task] = true/false}
local queue = {}         -- published messages, dispatched by the main loop
local handlers = {}      -- rtos message id -> handler

-- resumes a task; an error in a task ends the application with that error
local function resume(co, ...)
    local ok, err = coroutine.resume(co, ...)
    if not ok then error(err, 0) end
end

--- Starts a task: fn(...) runs as a coroutine until its first wait.
function taskInit(fn, ...)
    local co = coroutine.create(fn)
    resume(co, unpack(arg, 1, arg.n))   -- 'arg': Lua 5.0-style varargs, as LuaTask writes them
    return co
end

--- Inside a task: waits ms milliseconds; returns early with what resumed it, if anything did.
function wait(ms)
    taskTimerId = taskTimerId % TASK_TIMER_MAX + 1
    local id, co = taskTimerId, coroutine.running()
    timers[id] = co
    rtos.timer_start(id, ms)
    local woken = {coroutine.yield()}
    if timers[id] == co then   -- resumed by something other than its timer
        timers[id] = nil
        rtos.timer_stop(id)
    end
    return unpack(woken, 1, table.maxn(woken))
end

--- Inside a task: waits for message id (at most ms); true and the message's data, or false.
function waitUntil(id, ms)
    local co = coroutine.running()
    subscribe(id, co)
    local got = ms and {wait(ms)} or {coroutine.yield()}
    unsubscribe(id, co)
    return got[1] == id, unpack(got, 2, table.maxn(got))
end

--- Calls fn(...) in ms milliseconds; returns the timer id.
function timerStart(fn, ms, ...)
    callbackTimerId = callbackTimerId >= CALLBACK_TIMER_MAX and TASK_TIMER_MAX + 1 or callbackTimerId + 1
    timers[callbackTimerId] = {fn = fn, args = arg}
    rtos.timer_start(callbackTimerId, ms)
    return callbackTimerId
end

--- Calls fn(...) every ms milliseconds until timerStop.
function timerLoopStart(fn, ms, ...)
    local id = timerStart(fn, ms, unpack(arg, 1, arg.n))
    timers[id].every = ms
    return id
end

function timerStop(id)
    timers[id] = nil
    rtos.timer_stop(id)
end

function subscribe(id, callback)
    subscribers[id] = subscribers[id] or {}
    subscribers[id][callback] = true
end

function unsubscribe(id, callback)
    if subscribers[id] and subscribers[id][callback] then subscribers[id][callback] = false end
end

--- Publishes a message: publish(id, ...); subscribers get it from the main loop.
function publish(...)
    table.insert(queue, arg)
end

local function dispatch()
    while #queue > 0 do
        local message = table.remove(queue, 1)
        local list = subscribers[message[1]]
        if list then
            for callback, active in pairs(list) do
                if active then
                    if type(callback) == "thread" then
                        resume(callback, unpack(message, 1, message.n))
                    else
                        callback(unpack(message, 2, message.n))
                    end
                end
            end
            for callback, active in pairs(list) do
                if not active then list[callback] = nil end
            end
        end
    end
end

--- Registers the handler of an rtos message id (socket messages, ...).
rtos.on = function(id, handler) handlers[id] = handler end

--- The main loop: never returns (the application ends with os.exit).
function run()
    while true do
        dispatch()
        local msg, param = rtos.receive(rtos.INF_TIMEOUT)
        if msg == rtos.MSG_TIMER then
            local t = timers[param]
            if type(t) == "thread" then
                timers[param] = nil
                resume(t)
            elseif t then
                if t.every then rtos.timer_start(param, t.every) else timers[param] = nil end
                t.fn(unpack(t.args, 1, t.args.n))
            end
        elseif type(msg) == "table" then
            if handlers[msg.id] then handlers[msg.id](msg) end
        elseif handlers[msg] then
            handlers[msg](param)
        end
    end
end
