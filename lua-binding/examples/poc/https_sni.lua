-- https_sni.lua: a TLS listener with two virtual hosts, and a client that does an HTTP/1.0
-- GET over TLS for each name with verification on: each request reaches its own virtual
-- host, chosen by the name the client sends (SNI). One script plays both ends, on 127.0.0.1.
--
-- The certificates are the core's test certificates (core/src/test/resources/tls, made by
-- the generate.sh there: a test CA; localhost/127.0.0.1/::1; sni.test), read relative to
-- this script, or from the folder given as the first argument. Nothing is downloaded.
--
--   java -jar lua-binding/target/luanio.jar lua-binding/examples/poc/https_sni.lua [tls-folder]
local socket = require("socket")

local here = (arg and arg[0] or ""):match("^(.*[/\\])") or "./"
local tls_dir = arg and arg[1] or (here .. "../../../core/src/test/resources/tls")
local function pem(name)
  local path = tls_dir .. "/" .. name
  local f = io.open(path, "rb")
  if not f then
    error("cannot read " .. path .. " (run from the repository, or pass the folder)", 0)
  end
  local text = f:read("*a")
  f:close()
  return text
end

local server = assert(socket.listen("127.0.0.1", 0, {
  tls = true,
  cert = pem("server.pem"), key = pem("server.key"),            -- the default host: localhost
  hosts = { ["sni.test"] = { cert = pem("sni.pem"), key = pem("sni.key") } },
  timeout = 5,
}))
print(("[server] https://127.0.0.1:%d/ serves localhost (default) and sni.test"):format(server:port()))

local pages = {
  ["localhost"] = "<h1>localhost</h1> the default host",
  ["sni.test"] = "<h1>sni.test</h1> a virtual host",
}

-- The server's half of one request: read the request head, answer for the host the client
-- asked for with SNI (the certificate it got was already chosen by that name).
local function serve_one()
  local conn = assert(server:accept())
  local request = ""
  while not request:find("\r\n\r\n", 1, true) do
    local data, n, err = conn:recv(4096)
    if err then
      conn:close()
      return
    end
    request = request .. data
  end
  local sni = conn:servername() or "(none)"
  local body = (pages[sni] or ("no page for " .. sni)) .. "\n"
  print(("[server] %s, SNI %s, Host: %s"):format(request:match("^[^\r\n]*"), sni,
    request:match("\r\n[Hh]ost: *([^\r\n]*)") or "-"))
  assert(conn:send("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " .. #body
    .. "\r\n\r\n" .. body))
  conn:close()                                                  -- close_notify, then FIN
end

-- The client: GET / over TLS, verifying the chain against the test CA and the name.
local function get(name)
  local client = socket.new({ tls = true, verify = true, ca = pem("ca.pem"), timeout = 5 })
  client:servername(name)                                       -- SNI and the name verified
  local ok, err = client:connect("tcp", "127.0.0.1", server:port())
  if not ok then
    return nil, err
  end
  assert(client:send("GET / HTTP/1.0\r\nHost: " .. name .. "\r\n\r\n"))
  serve_one()
  local parts = {}
  while true do
    local data, n, rerr = client:recv(4096)
    if rerr == "EOF" then
      break
    end
    if rerr then
      client:close()
      return nil, rerr
    end
    parts[#parts + 1] = data
  end
  client:close()
  return table.concat(parts)
end

local reached = 0
for _, name in ipairs({ "localhost", "sni.test", "other.test" }) do
  local response, err = get(name)
  if response then
    reached = reached + 1
    local status = response:match("^[^\r\n]*")
    local body = response:match("\r\n\r\n(.*)$"):gsub("\n$", "")
    print(("[client] GET https://%s/ -> %s: %s"):format(name, status, body))
  else
    print(("[client] GET https://%s/ refused: %s"):format(name, err))
  end
end
server:close()
print(("done: %d of 3 names reached their host; other.test has no certificate here"):format(reached))
