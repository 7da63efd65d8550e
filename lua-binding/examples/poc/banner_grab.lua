-- banner_grab.lua: grab service banners the way a scanner does, against three targets this
-- script starts itself on 127.0.0.1: a service that greets, one that accepts and says
-- nothing, and a port nobody listens on. Nothing leaves the machine.
--
--   java -jar lua-binding/target/luanio.jar lua-binding/examples/poc/banner_grab.lua
local socket = require("socket")

local BANNER = "SSH-2.0-luanio_demo"
local TIMEOUT = 0.5                               -- seconds for the connect and for the banner

local greeter = assert(socket.listen("127.0.0.1", 0))
local silent = assert(socket.listen("127.0.0.1", 0))
local gone = assert(socket.listen("127.0.0.1", 0))
local closed_port = gone:port()
gone:close()                                      -- the port is free once close returns

-- One script plays both ends: between the scanner's connect and its read, the service
-- whose port was hit takes the connection (a real target would do this on its own).
local held = {}
local function serve(port)
  if port == greeter:port() then
    local conn = assert(greeter:accept())
    assert(conn:send(BANNER .. "\r\n"))
    held[#held + 1] = conn
  elseif port == silent:port() then
    held[#held + 1] = assert(silent:accept())     -- accepts, says nothing
  end
end

-- The scanner: connect with a timeout, then read whatever the service says first.
-- Returns the banner, or nil, the error and whether the port was open.
local function grab(port)
  local sock = socket.new({ timeout = TIMEOUT })
  local ok, err = sock:connect("tcp", "127.0.0.1", port)
  if not ok then
    return nil, err, false
  end
  serve(port)
  local banner, n, rerr = sock:recv(1024)
  sock:close()
  if rerr then
    return nil, rerr, true
  end
  return (banner:gsub("%s+$", ""))
end

local ports = { greeter:port(), silent:port(), closed_port }
print(("scanning 127.0.0.1, %d ports, %.1f s timeout"):format(#ports, TIMEOUT))
local open = 0
for _, port in ipairs(ports) do
  local banner, err, is_open = grab(port)
  if banner then
    open = open + 1
    print(("%5d/tcp  open    banner \"%s\""):format(port, banner))
  elseif is_open then
    open = open + 1
    print(("%5d/tcp  open    no banner (%s)"):format(port, err))
  else
    print(("%5d/tcp  closed  (%s)"):format(port, err))
  end
end
print(("done: %d open, %d closed"):format(open, #ports - open))

for _, conn in ipairs(held) do
  conn:close()
end
greeter:close()
silent:close()
