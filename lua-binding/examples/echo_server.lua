-- An echo server written with the blocking POC `socket` module.
-- Run it beside a client on the same loop:
--   java -jar lua-binding/target/luanio.jar --also lua-binding/examples/echo_server.lua lua-binding/examples/luat_client.lua
-- or beside the LuaTask-shaped application, once or as a fleet (it serves one connection at a time):
--   java -jar lua-binding/target/luanio.jar --luat -L lua-binding/examples/luatask/lib \
--     --also lua-binding/examples/echo_server.lua [--instances 100] lua-binding/examples/luatask/main.lua
local socket = require("socket")

local PORT = 47011                      -- the client example connects here

local server, err = socket.listen("127.0.0.1", PORT, 512)   -- a fleet connects at once
if not server then error("listen failed: " .. err) end
print("[server] listening on 127.0.0.1:" .. server:port())

while true do
  server:timeout(3600)
  local conn, aerr = server:accept()
  if not conn then error("accept failed: " .. aerr) end
  conn:timeout(30)
  local total = 0
  while true do
    local data, n, rerr = conn:recv(65536)
    if rerr == "EOF" then break end
    if rerr then print("[server] recv: " .. rerr) break end
    total = total + n
    local ok, serr = conn:send(data)
    if not ok then print("[server] send: " .. serr) break end
  end
  print(("[server] echoed %d bytes, connection closed"):format(total))
  conn:close()
end
