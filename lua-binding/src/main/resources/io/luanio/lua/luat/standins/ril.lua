-- luanio stand-in for LuaTask's ril.lua (the AT command channel to the modem): there is no
-- modem, so a request is never sent and never answered. Lua 5.1, --luat.
local name = ...

-- the libraries the real ril.lua requires, when the application ships them
local function need(m)
    if package.loaded[m] or package.preload[m] or package.searchpath(m, package.path) then return require(m) end
end
need "uart"; need "rtos"; need "sys"; need "log"

module(name, package.seeall)

function request(cmd, arg, onrsp, delay) end
function regUrc(prefix, handler) end
function deRegUrc(prefix) end
function regRsp(head, fnc, typ, formt) return true end
function setransparentmode(fnc) end
function sendtransparentdata(data) end
function delayfunc() end
