--- A Luat application in LuaTask shape (our own code, Lua 5.1): its own sys-style
-- scheduler and socket library in lib/, a task per connection, publish/subscribe, timers.
-- Each connection sends SIZE bytes to an echo server and checks that all come back.
--
-- Once, beside the POC echo server (from the repository root):
--   java -jar lua-binding/target/luanio.jar --luat -L lua-binding/examples/luatask/lib \
--     --also lua-binding/examples/echo_server.lua lua-binding/examples/luatask/main.lua
-- As a fleet of 100 devices: add --instances 100.
--
-- Arguments: [host [port [size [connections [tls]]]]]; defaults 127.0.0.1 47011 1048576 1.
PROJECT = "LUANIO_ECHO"
VERSION = "1.0.0"

require "sys"
require "socket"   -- lib/socket.lua: with --luat a module file wins over the built-in POC socket
require "sim"      -- stand-in: every fleet instance has its own IMSI

local host, port, size, connections, tls = ...
host = host or "127.0.0.1"
port = tonumber(port) or 47011
size = tonumber(size) or 1024 * 1024
connections = tonumber(connections) or 1
tls = tls == "tls"

assert(socket.tcp, "lib/socket.lua was not loaded: run with --luat -L lua-binding/examples/luatask/lib")

-- printf-style output; 'arg' holds the varargs, the Lua 5.0 way LuaTask code is written
local function say(...)
    print(string.format(unpack(arg)))
end

-- the payload: SIZE bytes that differ from connection to connection
local function payload(n)
    local block = {}
    for i = 1, 256 do block[i] = string.char((i * 31 + n) % 256) end
    block = table.concat(block)
    return string.rep(block, math.ceil(size / #block)):sub(1, size)
end

-- one task per connection: connect (retrying while the server starts), send, read the echo
local function connectionTask(n)
    local data = payload(n)
    local c
    for attempt = 1, 100 do
        c = socket.tcp(tls)
        if c:connect(host, port, 10) then break end
        c = nil
        sys.wait(100)
    end
    if not c then
        sys.publish("ECHO_DONE", n, 0, "could not connect to " .. host .. ":" .. port)
        return
    end
    assert(c:send(data, 60), "send failed")
    local got, parts = 0, {}
    while got < #data do
        local ok, part = c:recv(120)
        if not ok then break end
        parts[#parts + 1] = part
        got = got + #part
    end
    c:close()
    local intact = table.concat(parts) == data
    sys.publish("ECHO_DONE", n, got, intact and "ok" or "echo differs")
end

local started = rtos.tick()
local finished, failures = 0, 0

-- a function subscriber counts the connections; the last one ends the application
sys.subscribe("ECHO_DONE", function(n, bytes, result)
    finished = finished + 1
    if result ~= "ok" then failures = failures + 1 end
    say("connection %d: %d bytes echoed, %s", n, bytes, result)
    if finished == connections then
        say("done: %d connection(s) of %d bytes each way%s in %d ms, IMSI %s", connections, size,
            tls and " over TLS" or "", math.floor((rtos.tick() - started) * 1000 / 16384), sim.getImsi())
        os.exit(failures == 0 and 0 or 1)
    end
end)

-- a watchdog timer (callback timers have ids above 0x20000000)
sys.timerStart(function()
    say("timed out with %d of %d connections finished", finished, connections)
    os.exit(1)
end, 300000)

-- the first task waits for the data connection, as a device does after power-on
sys.taskInit(function()
    local ready = sys.waitUntil("IP_READY_IND", 10000)
    assert(ready, "no IP_READY_IND from link")
    for n = 1, connections do sys.taskInit(connectionTask, n) end
end)

sys.run()
