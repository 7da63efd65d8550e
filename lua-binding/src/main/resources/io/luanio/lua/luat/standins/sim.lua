-- luanio stand-in for LuaTask's sim.lua (which asks the modem over AT commands): a SIM card
-- that is ready, with an IMSI and an ICCID of its own per fleet instance. Lua 5.1, --luat.
local name, instance = ...

-- the libraries the real sim.lua requires, when the application ships them
local function need(m)
    if package.loaded[m] or package.preload[m] or package.searchpath(m, package.path) then return require(m) end
end
need "ril"; need "sys"

module(name, package.seeall)

local imsi = string.format("46000%010d", instance)
local iccid = string.format("89860%015d", instance)

-- publishes through sys once the application's main loop runs
local function publishSoon(ms, ...)
    if type(sys) == "table" and type(sys.timerStart) == "function" and type(sys.publish) == "function" then
        sys.timerStart(sys.publish, ms, ...)
    end
end

function getIccid() return iccid end
function getImsi() return imsi end
function getMcc() return "460" end
function getMnc() return "00" end
function getStatus() return true end
function getId() return 0 end
function setId(id, cbFnc) if cbFnc then cbFnc(true) end end
function set2gSim() end

publishSoon(10, "SIM_IND", "RDY")
publishSoon(12, "IMSI_READY")
