package io.luanio.lua;

import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * TLS from scripts: the POC module's {@code tls}/{@code verify}/{@code servername}/{@code ca}
 * and socketcore's {@code cert} table with the {@code insist} rule, against openssl s_server
 * and a JDK server with a self-signed certificate.
 */
class TlsScriptTest {

    @Test
    void pocTlsToASelfSignedServerConnectsUnlessVerifyIsOn() throws Exception {
        try (TlsEchoServer echo = TlsEchoServer.start(); LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local port = ...",
                "local socket = require('socket')",
                "-- the seed's form: tls = true, no verification by default (scanners reach self-signed hosts)",
                "local sock = socket.new({ tls = true })",
                "sock:timeout(5)",
                "local status, err = sock:connect('tcp', '127.0.0.1', port)",
                "assert(status == true and err == nil, tostring(err))",
                "assert(sock:send('over tls'))",
                "local msg, n, e = sock:recv(1024)",
                "assert(msg == 'over tls' and n == 8 and e == nil, tostring(e))",
                "sock:close()",
                "-- verify = true: the self-signed certificate is refused",
                "local strict = socket.new({ tls = true, verify = true, timeout = 5 })",
                "local ok, verr = strict:connect('tcp', '127.0.0.1', port)",
                "assert(ok == nil and verr:find('^tls: '), tostring(verr))",
                "print('verify refused: ' .. verr)"), echo.port());
        }
    }

    @Test
    void sniReachesTheRightVirtualHostAndHttpWorks() throws Exception {
        String ca = OpenSslServer.pem("ca.pem");
        try (OpenSslServer server = OpenSslServer.start("-www", "-servername", "sni.test",
                "-cert2", OpenSslServer.TLS.resolve("sni.pem").toString(), "-key2", OpenSslServer.TLS.resolve("sni.key").toString());
             LuaHarness lua = new LuaHarness()) {
            lua.ok(String.join("\n",
                "local port, ca = ...",
                "local socket = require('socket')",
                "local function get(servername)",
                "  local s = socket.new({ tls = true, verify = true, ca = ca, timeout = 5 })",
                "  if servername then s:servername(servername) end",
                "  local ok, err = s:connect('tcp', '127.0.0.1', port)",
                "  if not ok then return nil, err end",
                "  assert(s:send('GET / HTTP/1.0\\r\\n\\r\\n'))",
                "  local parts = {}",
                "  while true do",
                "    local d, n, e = s:recv(65536)",
                "    if e == 'EOF' then break end",
                "    assert(not e, e)",
                "    parts[#parts + 1] = d",
                "  end",
                "  s:close()",
                "  return table.concat(parts)",
                "end",
                "-- SNI sni.test: the server answers with its second certificate, which names sni.test",
                "local page, err = get('sni.test')",
                "assert(page, 'sni.test: ' .. tostring(err))",
                "assert(page:find('^HTTP/1.0 200'), page:sub(1, 40))",
                "-- no servername: the IP is verified against the default certificate (it names 127.0.0.1)",
                "assert(get(nil))",
                "-- another name: the default certificate comes back and does not name it",
                "local none, e2 = get('other.test')",
                "assert(none == nil and e2:find('^tls: ') and e2:find('host name'), tostring(e2))"),
                server.port, ca);
        }
    }

    @Test
    void socketcoreSslFollowsTheCaCertAndInsistRules() throws Exception {
        String ca = OpenSslServer.pem("ca.pem");
        String otherCa = OpenSslServer.pem("other-ca.pem");
        try (OpenSslServer server = OpenSslServer.start("-rev"); LuaHarness lua = new LuaHarness()) {
            lua.ok(LuaPrelude.SOURCE + String.join("\n",
                "local port, ca, other = ...",
                "port = tonumber(port)",
                "local function try(cert, insist)",
                "  local id = socketcore.sock_conn(2, '127.0.0.1', port, cert, 0, insist, nil, 1)",
                "  assert(id, 'sock_conn returned nil')",
                "  local m = await(rtos.MSG_SOCK_CONN_CNF, id)",
                "  if m.result ~= 0 then socketcore.sock_destroy(id) return false end",
                "  assert(socketcore.sock_send(id, 'abc\\n') == 1)",
                "  local back = read_exactly(id, 4)",
                "  assert(back == 'cba\\n', 'reversed line: ' .. back)",
                "  close_destroy(id)",
                "  return true",
                "end",
                "assert(try({hostName = '127.0.0.1', caCert = ca}) == true, 'the right CA verifies')",
                "assert(try({hostName = '127.0.0.1', caCert = other}) == false, 'a wrong CA fails when insist is absent')",
                "assert(try({hostName = '127.0.0.1', caCert = other}, 0) == false, 'insist 0 fails')",
                "assert(try({hostName = '127.0.0.1', caCert = other}, 1) == true, 'insist 1 keeps the connection')",
                "assert(try({hostName = '127.0.0.1'}) == true, 'without caCert nothing is verified')",
                "assert(try(nil) == true, 'no cert table at all')",
                "local ok, err = pcall(socketcore.sock_conn, 2, '127.0.0.1', port, {caCert = {}})",
                "assert(not ok and err:find('cert.caCert must be a string'), err)",
                "assert(socketcore.sock_conn(2, '127.0.0.1', port, {clientCert = ca}) == nil, 'a client certificate without its key')",
                "-- unusable material: the socket opens, its CONN_CNF reports it",
                "local bad = socketcore.sock_conn(2, '127.0.0.1', port, {caCert = 'not a certificate'})",
                "assert(bad and await(rtos.MSG_SOCK_CONN_CNF, bad).result == 1)",
                "assert(socketcore.sock_destroy(bad) == 1)"),
                server.port, ca, otherCa);
            // The runner's --verify-tls verifies even without a CA: the JDK store does not know our CA.
            ScriptRunner.Result r = lua.run(new ScriptOptions().verifyTls(true), LuaPrelude.SOURCE + String.join("\n",
                "local id = socketcore.sock_conn(2, '127.0.0.1', tonumber(...), {hostName = '127.0.0.1'})",
                "local m = await(rtos.MSG_SOCK_CONN_CNF, id)",
                "assert(m.result == 1, 'verification forced on')"), server.port);
            org.junit.jupiter.api.Assertions.assertEquals(0, r.status, r.message);
        }
    }

    static String certificatePem(KeyStore ks, String alias) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("-----BEGIN CERTIFICATE-----\n".getBytes());
        out.write(Base64.getMimeEncoder(64, new byte[] {'\n'}).encode(ks.getCertificate(alias).getEncoded()));
        out.write("\n-----END CERTIFICATE-----\n".getBytes());
        return out.toString();
    }
}
