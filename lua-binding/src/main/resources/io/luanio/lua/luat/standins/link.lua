-- luanio stand-in for LuaTask's link.lua (the data connection, brought up over AT commands):
-- the connection is up from the start; IP_READY_IND is published once the application's
-- sys main loop runs, as the module does when its data connection comes up. Lua 5.1, --luat.
local name = ...

-- the libraries the real link.lua requires, when the application ships them
local function need(m)
    if package.loaded[m] or package.preload[m] or package.searchpath(m, package.path) then return require(m) end
end
need "net"

module(name, package.seeall)

local ready = true

local function hasSys()
    return type(sys) == "table" and type(sys.timerStart) == "function" and type(sys.publish) == "function"
end

function isReady() return ready end
function setAPN(apn, user, pwd) end
function setDnsIP(ip1, ip2) end
function setAuthApn(prot, apn, user, pwd) end

-- drops the data connection; it comes back two seconds later, as on the module
function shut()
    if not hasSys() then return end
    ready = false
    sys.publish("IP_ERROR_IND")
    sys.timerStart(function()
        ready = true
        sys.publish("IP_READY_IND")
    end, 2000)
end

if hasSys() then sys.timerStart(sys.publish, 20, "IP_READY_IND") end
