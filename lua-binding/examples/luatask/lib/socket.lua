--- A TCP client library in the shape of LuaTask's socket.lua (our own code, Lua 5.1,
-- --luat): each connection belongs to a task that yields until its socketcore message
-- arrives; sends go out in chunks of 11200 bytes, each waiting for its SEND_CNF; the
-- socket is destroyed after a failed CONN_CNF and after CLOSE_CNF. In --luat mode this
-- file replaces the built-in POC socket module of the same name.
require "link"
module(..., package.seeall)

local SENDSIZE = 11200
local sockets = {}          -- socket id -> connection

isReady = link.isReady

local mt = {}
mt.__index = mt

--- A TCP connection object for the calling task; ssl true for TLS (cert: caCert, ...).
function tcp(ssl, cert)
    local co = coroutine.running()
    assert(co, "socket.tcp: call it inside a task")
    return setmetatable({co = co, ssl = ssl == true, cert = cert, input = {}, wait = ""}, mt)
end

-- resumes a connection's task; an error in the task ends the application with that error
local function wake(co, ...)
    local ok, err = coroutine.resume(co, ...)
    if not ok then error(err, 0) end
end

-- waits, inside the task, for the message the connection is waiting for (or a timeout)
local function await(self, what, timeout)
    self.wait = what
    local timer = sys.timerStart(wake, (timeout or 120) * 1000, self.co, false, "TIMEOUT")
    local ok, reason = coroutine.yield()
    if reason ~= "TIMEOUT" then sys.timerStop(timer) end
    self.wait = ""
    return ok, reason
end

--- Connects (inside the task); true, or false and why.
function mt:connect(address, port, timeout)
    if not link.isReady() then return false, "NOT_READY" end
    local cert
    if self.ssl then
        cert = {hostName = address}
        for k, v in pairs(self.cert or {}) do cert[k] = v end
    end
    self.id = self.ssl and socketcore.sock_conn(2, address, port, cert) or socketcore.sock_conn(0, address, port)
    if not self.id then return false, "NO_SOCKET" end
    sockets[self.id] = self
    local ok, reason = await(self, "CONNECT", timeout)
    if not ok then
        sockets[self.id] = nil
        self.id = nil
        return false, reason
    end
    return true
end

--- Sends all of data (inside the task); true, or false and why.
function mt:send(data, timeout)
    if self.error then return false, self.error end
    for i = 1, #data, SENDSIZE do
        local queued = socketcore.sock_send(self.id, data:sub(i, i + SENDSIZE - 1))
        if queued ~= 1 then return false, "SEND_REFUSED" end
        local ok, reason = await(self, "SEND", timeout)
        if not ok then return false, reason end
    end
    return true
end

--- Receives what has arrived, waiting for it (inside the task); true and data, or false and why.
function mt:recv(timeout)
    if #self.input == 0 then
        if self.error then return false, self.error end
        local ok, reason = await(self, "RECV", timeout)
        if not ok then return false, reason end
    end
    local data = table.concat(self.input)
    self.input = {}
    return true, data
end

--- Closes (inside the task) and waits for CLOSE_CNF.
function mt:close()
    if not self.id then return end
    socketcore.sock_close(self.id)
    await(self, "CLOSE")
    sockets[self.id] = nil
    self.id = nil
end

-- CONN_CNF, SEND_CNF, CLOSE_CNF resume the task that waits for them
local function onResponse(msg)
    local c = sockets[msg.socket_index]
    if (msg.id == rtos.MSG_SOCK_CONN_CNF and msg.result ~= 0) or msg.id == rtos.MSG_SOCK_CLOSE_CNF then
        socketcore.sock_destroy(msg.socket_index)
    end
    if c then wake(c.co, msg.result == 0, "RESPONSE") end
end
rtos.on(rtos.MSG_SOCK_CONN_CNF, onResponse)
rtos.on(rtos.MSG_SOCK_SEND_CNF, onResponse)
rtos.on(rtos.MSG_SOCK_CLOSE_CNF, onResponse)

rtos.on(rtos.MSG_SOCK_RECV_IND, function(msg)
    local c = sockets[msg.socket_index]
    if not c then return end
    table.insert(c.input, socketcore.sock_recv(msg.socket_index, msg.recv_len))
    if c.wait == "RECV" then wake(c.co, true, "DATA") end
end)

rtos.on(rtos.MSG_SOCK_CLOSE_IND, function(msg)
    local c = sockets[msg.socket_index]
    if not c then return end
    c.error = "CLOSED"
    if c.wait == "RECV" or c.wait == "SEND" then wake(c.co, false, "CLOSED") end
end)
