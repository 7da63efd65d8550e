package io.luanio.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** resolv.conf(5) parsing, and the configuration it feeds. */
class ResolvConfTest {

    @Test
    void readsServersSearchAndOptionsAsGlibcDoes() {
        ResolvConf rc = ResolvConf.parse(String.join("\n",
            "# generated",
            "nameserver 10.0.0.1",
            "nameserver 2001:db8::53 ; comment",
            "nameserver not-an-address",
            "nameserver 10.0.0.3",
            "nameserver 10.0.0.4",
            "domain ignored.example",
            "search Corp.Example. lab.example   corp.example",
            "options ndots:3 timeout:2 attempts:9 rotate edns0 unknown:1",
            "options ndots:99"));
        assertEquals(Arrays.asList(new InetSocketAddress("10.0.0.1", 53), new InetSocketAddress("2001:db8::53", 53),
            new InetSocketAddress("10.0.0.3", 53)), rc.servers, "at most three servers, literals only");
        assertEquals(Arrays.asList("corp.example", "lab.example"), rc.search, "the last search line, deduplicated");
        assertEquals(15, rc.ndots, "capped at 15; the last option wins");
        assertEquals(2, rc.timeoutSeconds);
        assertEquals(5, rc.attempts, "capped at 5");
        assertEquals(1, rc.rotate);
    }

    @Test
    void unsetValuesStayUnset() {
        ResolvConf rc = ResolvConf.parse("nameserver 192.0.2.53\noptions ndots:x timeout:\n");
        assertNull(rc.search);
        assertEquals(-1, rc.ndots);
        assertEquals(-1, rc.timeoutSeconds);
        assertEquals(-1, rc.attempts);
        assertEquals(-1, rc.rotate);
    }

    @Test
    void aFileWithoutServersMeansTheLocalServer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resolv.conf");
        Files.write(file, "search a.example\n".getBytes(StandardCharsets.US_ASCII));
        ResolverConfig config = ResolverConfig.fromFiles(file.toString(), null);
        assertFalse(config.usesPlatformResolver());
        assertEquals(Collections.singletonList(new InetSocketAddress("127.0.0.1", 53)), config.servers());
        assertEquals(Collections.singletonList("a.example"), config.search());
    }

    @Test
    void aMissingFileFallsBackToThePlatformResolver(@TempDir Path dir) {
        ResolverConfig config = ResolverConfig.fromFiles(dir.resolve("absent.conf").toString(), null);
        assertTrue(config.usesPlatformResolver());
        assertTrue(config.servers().isEmpty());
        config.validate();
        config.servers("127.0.0.1:5353");
        assertFalse(config.usesPlatformResolver(), "explicit servers leave the fallback");
    }

    @Test
    void explicitValuesSurviveTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resolv.conf");
        Files.write(file, "nameserver 10.9.9.9\nsearch file.example\noptions timeout:1 attempts:4\n"
            .getBytes(StandardCharsets.US_ASCII));
        ResolverConfig config = ResolverConfig.fromFiles(file.toString(), null).servers("127.0.0.1:5353").timeoutMs(700);
        config.applyResolvConf(ResolvConf.parse(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)));
        assertEquals(Collections.singletonList(new InetSocketAddress("127.0.0.1", 5353)), config.servers());
        assertEquals(700, config.timeoutMs());
        assertEquals(4, config.attempts());
        assertEquals(Collections.singletonList("file.example"), config.search());
    }

    @Test
    void serverTextTakesPortsAndBrackets() {
        assertEquals(new InetSocketAddress("10.0.0.1", 53), ResolverConfig.parseServer("10.0.0.1"));
        assertEquals(new InetSocketAddress("10.0.0.1", 5353), ResolverConfig.parseServer("10.0.0.1:5353"));
        assertEquals(new InetSocketAddress("::1", 53), ResolverConfig.parseServer("::1"));
        assertEquals(new InetSocketAddress("::1", 5353), ResolverConfig.parseServer("[::1]:5353"));
        assertEquals(new InetSocketAddress("::1", 53), ResolverConfig.parseServer("[::1]"));
        for (String bad : new String[] {"", "dns.example", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:x", "[::1]:", "1.2.3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResolverConfig.parseServer(bad));
            assertTrue(e.getMessage().contains("server="), e.getMessage());
        }
    }

    @Test
    void validationNamesTheBadValue() {
        assertMessage(new ResolverConfig(), "servers=[]");
        ResolverConfig ok = new ResolverConfig().servers("127.0.0.1");
        ok.validate();
        assertMessage(new ResolverConfig(ok).ndots(16), "ndots=16");
        assertMessage(new ResolverConfig(ok).timeoutMs(0), "timeoutMs=0");
        assertMessage(new ResolverConfig(ok).attempts(0), "attempts=0");
        assertMessage(new ResolverConfig(ok).ednsUdpSize(100), "ednsUdpSize=100");
        assertMessage(new ResolverConfig(ok).cacheMaxEntries(-1), "cacheMaxEntries=-1");
        assertMessage(new ResolverConfig(ok).maxPendingQueries(0), "maxPendingQueries=0");
        assertMessage(new ResolverConfig(ok).search("bad..domain"), "search=bad..domain");
        assertMessage(new ResolverConfig(ok).connectionAttemptDelayMs(0), "connectionAttemptDelayMs=0");
        assertMessage(new ResolverConfig(ok).platformThreads(0), "platformThreads=0");
        assertMessage(new ResolverConfig().servers(Collections.singletonList(InetSocketAddress.createUnresolved("dns", 53))),
            "server=");
        ResolverConfig.platform().validate();
    }

    @Test
    void readFileGivesNullForDirectoriesAndMissingFiles(@TempDir Path dir) {
        assertNull(ResolverConfig.readFile(dir.toString()));
        assertNull(ResolverConfig.readFile(dir + File.separator + "missing"));
    }

    private static void assertMessage(ResolverConfig config, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
