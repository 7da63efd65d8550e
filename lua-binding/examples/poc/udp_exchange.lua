-- udp_exchange.lua: two connected UDP sockets of one script talk to each other on loopback.
-- `a` connects to `b`'s port (which gives `a` a free local port, read with a:port()); `b`
-- binds that port with the `localport` option and connects back to `a`.
--
--   java -jar lua-binding/target/luanio.jar lua-binding/examples/poc/udp_exchange.lua
local socket = require("socket")

-- A free port for b: a listener on port 0 gets one from the system; close gives it back
-- (and returns once it is free). UDP and TCP ports are separate spaces, so if the UDP port
-- happens to be taken, b's connect says so and we try another.
local function free_port()
  local probe = assert(socket.listen("127.0.0.1", 0))
  local port = probe:port()
  probe:close()
  return port
end

local a, b
for attempt = 1, 5 do
  local port_b = free_port()
  a = socket.new({ timeout = 2 })
  assert(a:connect("udp", "127.0.0.1", port_b))
  b = socket.new({ timeout = 2, localport = port_b })
  local ok, err = b:connect("udp", "127.0.0.1", a:port())
  if ok then
    break
  end
  print(("port %d: %s, trying another"):format(port_b, err))
  a:close()
  b:close()
  a, b = nil, nil
end
assert(a, "no free pair of UDP ports")
print(("a is 127.0.0.1:%d, b is 127.0.0.1:%d"):format(a:port(), b:port()))

local function receive(sock, name)
  local data, n, err = sock:recv(1500)
  if err then
    return nil, err
  end
  print(("%s got %q (%d bytes)"):format(name, data, n))
  return data
end

for i = 1, 3 do
  assert(a:send("ping " .. i))
  assert(receive(b, "b") == "ping " .. i)
  assert(b:send("pong " .. i))
  assert(receive(a, "a") == "pong " .. i)
end

-- Datagrams keep their boundaries: three sends are three receives.
for _, word in ipairs({ "one", "two", "three" }) do
  assert(a:send(word))
end
for _, word in ipairs({ "one", "two", "three" }) do
  assert(receive(b, "b") == word)
end

-- Nothing more comes: recv times out.
b:timeout(0.2)
local _, err = receive(b, "b")
print("b waits for more: " .. err)

a:close()
b:close()
print("done")
