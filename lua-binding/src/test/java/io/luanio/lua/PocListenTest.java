package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The POC module beyond the seed: {@code socket.listen} with TLS options (a certificate,
 * SNI virtual hosts, client certificates), {@code servername()} on accepted sockets,
 * {@code localport} and {@code sock:port()}, and the listener's own guarantees (events of
 * a connection kept until {@code accept}, the port free once {@code close} returns).
 */
class PocListenTest {
    /** Reads the PEM files the scripts need and passes them as arguments. */
    private static Object[] pems(String... names) throws Exception {
        Object[] out = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = OpenSslServer.pem(names[i]);
        }
        return out;
    }

    /** A Lua helper: one TLS exchange from a fresh client through the script's own server. */
    private static final String EXCHANGE = String.join("\n",
        "local socket = require('socket')",
        "local function exchange(server, opts)",
        "  local c = socket.new(opts)",
        "  c:timeout(5)",
        "  local ok, err = c:connect('tcp', '127.0.0.1', server:port())",
        "  if not ok then return nil, err end",
        "  assert(c:send('ping'))",
        "  local s = assert(server:accept())",
        "  local d, n, e = s:recv(100)",
        "  assert(d == 'ping', tostring(e))",
        "  local name = s:servername()",
        "  assert(s:send('pong for ' .. tostring(name)))",
        "  d, n, e = c:recv(100)",
        "  c:close()",
        "  assert(select(3, s:recv(1)) == 'EOF', 'close_notify reads as EOF')",
        "  s:close()",
        "  return d",
        "end",
        "");

    @Test
    void aTlsListenerServesTheScriptsOwnVerifiedClient() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            String printed = lua.ok(EXCHANGE + String.join("\n",
                "local ca, cert, key = ...",
                "local server = assert(socket.listen('127.0.0.1', 0, { tls = true, cert = cert, key = key, timeout = 5 }))",
                "print(exchange(server, { tls = true, verify = true, ca = ca }))",
                "print(exchange(server, { tls = true, verify = true, ca = ca, servername = 'localhost' }))",
                "-- a plain TCP client gets no connection out of accept: its handshake fails quietly",
                "local plain = socket.new({ timeout = 2 })",
                "assert(plain:connect('tcp', '127.0.0.1', server:port()))",
                "assert(plain:send('GET / HTTP/1.0\\r\\n\\r\\n'))",
                "local e",
                "repeat local _, _, err = plain:recv(100); e = err until e  -- an alert may come first",
                "assert(e == 'EOF' or e == 'connection reset', 'the server hung up: ' .. tostring(e))",
                "plain:close()",
                "server:timeout(0.3)",
                "assert(select(2, server:accept()) == 'timeout')",
                "server:close()"), pems("ca.pem", "server.pem", "server.key"));
            assertEquals("pong for nil\npong for localhost\n", printed);
        }
    }

    @Test
    void sniHostsPickTheCertificateAndTheServerSeesTheName() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            String printed = lua.ok(EXCHANGE + String.join("\n",
                "local ca, cert, key, sniCert, sniKey = ...",
                "local server = assert(socket.listen('127.0.0.1', 0, 16, {",
                "  tls = true, cert = cert, key = key,",
                "  hosts = { ['sni.test'] = { cert = sniCert, key = sniKey } } }))",
                "server:timeout(5)",
                "print(exchange(server, { tls = true, verify = true, ca = ca, servername = 'sni.test' }))",
                "print(exchange(server, { tls = true, verify = true, ca = ca, servername = 'localhost' }))",
                "local none, err = exchange(server, { tls = true, verify = true, ca = ca, servername = 'other.test' })",
                "assert(none == nil and err:find('^tls: ') and err:find('host name'), tostring(err))",
                "print('other.test: ' .. err:sub(1, 23))",
                "-- hosts alone: the first name in sorted order (localhost) serves clients without a name;",
                "-- its certificate names 127.0.0.1, so a verified client without servername gets through",
                "local only = assert(socket.listen('127.0.0.1', 0, { tls = true, timeout = 5, hosts = {",
                "  ['sni.test'] = { cert = sniCert, key = sniKey }, ['localhost'] = { cert = cert, key = key } } }))",
                "print(exchange(only, { tls = true, verify = true, ca = ca, servername = 'sni.test' }))",
                "print(exchange(only, { tls = true, verify = true, ca = ca }))",
                "server:close() only:close()"), pems("ca.pem", "server.pem", "server.key", "sni.pem", "sni.key"));
            assertEquals("pong for sni.test\npong for localhost\nother.test: tls: host name mismatch\n"
                + "pong for sni.test\npong for nil\n", printed);
        }
    }

    @Test
    void clientCertificatesAreRequiredOrOptional() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(EXCHANGE + String.join("\n",
                "local ca, cert, key, clientCert, clientKey = ...",
                "local strict = assert(socket.listen('127.0.0.1', 0, { tls = true, cert = cert, key = key,",
                "  ca = ca, verify = true, timeout = 5 }))",
                "assert(exchange(strict, { tls = true, verify = true, ca = ca, cert = clientCert, key = clientKey }))",
                "local none, err = exchange(strict, { tls = true, verify = true, ca = ca })",
                "assert(none == nil and err:find('^tls: '), 'no client certificate: ' .. tostring(err))",
                "strict:timeout(0.3)",
                "assert(select(2, strict:accept()) == 'timeout', 'the refused client was never announced')",
                "strict:close()",
                "local optional = assert(socket.listen('127.0.0.1', 0, { tls = true, cert = cert, key = key,",
                "  ca = ca, verify = 'optional', timeout = 5 }))",
                "assert(exchange(optional, { tls = true, verify = true, ca = ca }))",
                "assert(exchange(optional, { tls = true, verify = true, ca = ca, cert = clientCert, key = clientKey }))",
                "optional:close()"), pems("ca.pem", "server.pem", "server.key", "client.pem", "client.key"));
        }
    }

    @Test
    void unusableListenOptionsAreErrorValuesAndBadTypesAreLuaErrors() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            String printed = lua.ok(String.join("\n",
                "local cert, key = ...",
                "local socket = require('socket')",
                "local function try(opts) local s, err = socket.listen('127.0.0.1', 0, opts); assert(s == nil); print(err) end",
                "try({ tls = true })",
                "try({ cert = cert, key = key })",
                "try({ tls = true, cert = cert })",
                "try({ tls = true, cert = 'not a certificate', key = key })",
                "try({ tls = true, cert = cert, key = key, verify = true })",
                "try({ tls = true, hosts = { ['a.test'] = { cert = cert } } })",
                "try({ tls = true, hosts = { ['bad name!'] = { cert = cert, key = key } } })",
                "for _, bad in ipairs({ { tls = true, cert = 42, key = key }, { tls = true, hosts = 'x' },",
                "    { tls = true, cert = cert, key = key, verify = 'maybe' } }) do",
                "  local ok, e = pcall(socket.listen, '127.0.0.1', 0, bad)",
                "  assert(not ok and e:find(\"bad argument #3 to 'listen'\"), e)",
                "end",
                "local ok, e = pcall(socket.listen, '127.0.0.1', 0, 8, 'tls')",
                "assert(not ok and e:find(\"bad argument #4 to 'listen' %(table expected\"), e)"),
                pems("server.pem", "server.key"));
            String[] lines = printed.split("\n");
            assertEquals("tls: a TLS listener needs cert and key (or hosts)", lines[0]);
            assertEquals("tls: cert, key, hosts, ca, verify and alpn need tls = true", lines[1]);
            assertEquals("tls: cert and key go together", lines[2]);
            assertTrue(lines[3].startsWith("tls: server certificate: "), lines[3]);
            assertEquals("tls: verify needs ca (the CA certificates that vouch for clients)", lines[4]);
            assertEquals("tls: hosts[\"a.test\"] needs cert and key", lines[5]);
            assertTrue(lines[6].startsWith("tls: virtualHost name is not a host name"), lines[6]);
        }
    }

    @Test
    void localportAndPortLetTwoUdpSocketsOfOneScriptTalk() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local a = socket.new({ timeout = 5 })",
                "assert(a:port() == nil, 'no port before connect')",
                "-- b's port comes from a probe; a connects to it, then b binds it and connects back",
                "local probe = socket.listen('127.0.0.1', 0)",
                "local pb = probe:port()",
                "probe:close()  -- returns once the port is free",
                "assert(a:connect('udp', '127.0.0.1', pb))",
                "local pa = a:port()",
                "assert(type(pa) == 'number' and pa > 0)",
                "local b = socket.new({ localport = pb, timeout = 5 })",
                "assert(b:connect('udp', '127.0.0.1', pa))",
                "assert(b:port() == pb, 'localport binds the local port')",
                "assert(a:send('hello b'))",
                "assert(b:recv(100) == 'hello b')",
                "assert(b:send('hello a'))",
                "assert(a:recv(100) == 'hello a')",
                "a:close() b:close()",
                "assert(a:port() == nil, 'no port after close')",
                "-- a TCP client bound to a local port, seen by the server",
                "local server = assert(socket.listen('127.0.0.1', 0, { timeout = 5 }))",
                "local c = socket.new({ localport = pb })",
                "assert(c:connect('tcp', '127.0.0.1', server:port()))",
                "local s = assert(server:accept())",
                "assert(c:port() == pb and s:port() == server:port())",
                "c:close() s:close() server:close()",
                "local bad = socket.new({ localport = 70000 })",
                "local ok, err = bad:connect('udp', '127.0.0.1', 9)",
                "assert(ok == nil and err == 'localport out of range: 70000', err)"));
        }
    }

    @Test
    void anAcceptedConnectionKeepsItsEventsUntilAcceptAndCloseFreesThePort() throws Exception {
        try (LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local socket = require('socket')",
                "local server = assert(socket.listen('127.0.0.1', 0, { timeout = 5 }))",
                "local port = server:port()",
                "local c = socket.new({ timeout = 5 })",
                "assert(c:connect('tcp', '127.0.0.1', port))",
                "assert(c:send('early bytes'))",
                "c:close()  -- before the server accepted",
                "rtos.sleep(300)  -- the bytes and the close arrive before the script accepts",
                "local s = assert(server:accept())",
                "assert(s:recv(100) == 'early bytes')",
                "assert(select(3, s:recv(100)) == 'EOF', 'the close that came before accept is kept')",
                "s:close()",
                "server:close()",
                "local again = assert(socket.listen('127.0.0.1', port), 'the port is free once close returns')",
                "again:close()"));
        }
    }
}
