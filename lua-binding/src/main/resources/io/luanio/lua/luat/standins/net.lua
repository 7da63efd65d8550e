-- luanio stand-in for LuaTask's net.lua (network registration over AT commands): registered
-- on LTE with a strong signal, in one fixed cell. Lua 5.1, --luat.
local name = ...

-- the libraries the real net.lua requires, when the application ships them
local function need(m)
    if package.loaded[m] or package.preload[m] or package.searchpath(m, package.path) then return require(m) end
end
need "sys"; need "ril"; need "pio"; need "sim"; need "log"; need "utils"

module(name, package.seeall)

NetMode_noNet, NetMode_GSM, NetMode_EDGE, NetMode_TD, NetMode_LTE, NetMode_WCDMA = 0, 1, 2, 3, 4, 5
flyMode = false

local LAC, CI, RSSI = "18be", "93e1", 31

-- publishes through sys once the application's main loop runs
local function publishSoon(ms, ...)
    if type(sys) == "table" and type(sys.timerStart) == "function" and type(sys.publish) == "function" then
        sys.timerStart(sys.publish, ms, ...)
    end
end

function getState() return flyMode and "UNREGISTER" or "REGISTERED" end
function getNetMode() return flyMode and NetMode_noNet or NetMode_LTE end
function getRssi() return flyMode and 0 or RSSI end
function getMcc() return "460" end
function getMnc() return "00" end
function getLac() return LAC end
function getCi() return CI end
function getTa() return 0 end
function getCell() return tonumber(CI, 16) .. "." .. RSSI .. "." end
function getCellInfo() return tonumber(LAC, 16) .. "." .. tonumber(CI, 16) .. "." .. RSSI .. ";" end
function getCellInfoExt() return "460.0." .. tonumber(LAC, 16) .. "." .. tonumber(CI, 16) .. "." .. RSSI .. ";" end
function getMultiCell(cbFnc) if cbFnc then cbFnc(getCellInfoExt()) end end
function startQueryAll() return true end
function stopQueryAll() end
function csqQueryPoll() return not flyMode end
function cengQueryPoll() return not flyMode end
function setEngMode() end

function switchFly(mode)
    if flyMode == mode then return end
    flyMode = mode
    publishSoon(5, "FLYMODE", mode)
    if not mode then publishSoon(10, "NET_STATE_REGISTERED") end
end

publishSoon(14, "NET_STATE_REGISTERED")
