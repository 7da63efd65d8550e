-- A client in the shape of a Luat (LuaTask) application: one main loop over
-- rtos.receive dispatching msg.id, a coroutine per connection, and sends cut into
-- 11200-byte chunks, each waiting for its SEND_CNF before the next.
--
--   java -jar lua-binding/target/luanio.jar --also lua-binding/examples/echo_server.lua lua-binding/examples/luat_client.lua
local PORT = 47011
local SENDSIZE = 11200

local sockets = {}                      -- socket id -> connection
local timers = {}                       -- timer id -> callback
local nextTimerId = 0x20000000          -- LuaTask's message timers live above this

local function timerStart(callback, ms)
  nextTimerId = nextTimerId + 1
  timers[nextTimerId] = callback
  rtos.timer_start(nextTimerId, ms)
  return nextTimerId
end

local function wait(ms)                 -- sleep inside a task
  local co = coroutine.running()
  timerStart(function() coroutine.resume(co) end, ms)
  coroutine.yield()
end

-- a connection object whose methods yield until their message arrives
local Conn = {}
Conn.__index = Conn

function Conn.open(host, port)
  local self = setmetatable({co = coroutine.running(), input = {}}, Conn)
  self.id = socketcore.sock_conn(0, host, port, 0)
  if not self.id then return nil end
  sockets[self.id] = self
  local ok = coroutine.yield()          -- resumed by CONN_CNF
  if not ok then sockets[self.id] = nil return nil end
  return self
end

function Conn:send(data)
  for i = 1, #data, SENDSIZE do
    assert(socketcore.sock_send(self.id, data:sub(i, i + SENDSIZE - 1)) == 1)
    if not coroutine.yield() then return false end   -- resumed by SEND_CNF
  end
  return true
end

function Conn:recv()
  if #self.input == 0 then
    self.waiting = true
    if not coroutine.yield() then return nil end     -- resumed by RECV_IND or CLOSE_IND
  end
  local s = table.concat(self.input)
  self.input = {}
  return s
end

function Conn:close()
  socketcore.sock_close(self.id)
  coroutine.yield()                                  -- resumed by CLOSE_CNF
  sockets[self.id] = nil
end

local function resume(id, ...)
  local c = sockets[id]
  if c then assert(coroutine.resume(c.co, ...)) end
end

local handlers = {
  [rtos.MSG_SOCK_CONN_CNF] = function(msg)
    if msg.result ~= 0 then socketcore.sock_destroy(msg.socket_index) end
    resume(msg.socket_index, msg.result == 0)
  end,
  [rtos.MSG_SOCK_SEND_CNF] = function(msg) resume(msg.socket_index, msg.result == 0) end,
  [rtos.MSG_SOCK_RECV_IND] = function(msg)
    local c = sockets[msg.socket_index]
    table.insert(c.input, socketcore.sock_recv(msg.socket_index, msg.recv_len))
    if c.waiting then c.waiting = false resume(msg.socket_index, true) end
  end,
  [rtos.MSG_SOCK_CLOSE_IND] = function(msg)
    local c = sockets[msg.socket_index]
    if c and c.waiting then c.waiting = false resume(msg.socket_index, false) end
  end,
  [rtos.MSG_SOCK_CLOSE_CNF] = function(msg)
    socketcore.sock_destroy(msg.socket_index)
    resume(msg.socket_index, true)
  end,
}

local finished = false
local task = coroutine.create(function()
  local conn
  for attempt = 1, 50 do                -- the server script may still be starting
    conn = Conn.open("127.0.0.1", PORT)
    if conn then break end
    wait(100)
  end
  assert(conn, "could not connect to the echo server")
  print("[client] connected, socket id " .. conn.id)
  local message = string.rep("luanio ", 5000)          -- 35000 bytes: 4 chunks
  assert(conn:send(message))
  print(("[client] sent %d bytes in %d chunks of at most %d"):format(#message, math.ceil(#message / SENDSIZE), SENDSIZE))
  local echoed = ""
  while #echoed < #message do
    local part = conn:recv()
    assert(part, "connection closed early")
    echoed = echoed .. part
  end
  assert(echoed == message, "echo differs")
  print(("[client] got all %d bytes back"):format(#echoed))
  conn:close()
  print("[client] closed")
  finished = true
end)
assert(coroutine.resume(task))

while not finished do
  local msg, param = rtos.receive(rtos.INF_TIMEOUT)
  if msg == rtos.MSG_TIMER then
    local callback = timers[param]
    timers[param] = nil
    if callback then callback() end
  elseif type(msg) == "table" and handlers[msg.id] then
    handlers[msg.id](msg)
  end
end
