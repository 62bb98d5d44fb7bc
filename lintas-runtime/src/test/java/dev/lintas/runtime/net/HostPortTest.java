package dev.lintas.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void readsAnIpv4Address() {
        assertThat(HostPort.parse("10.0.0.1:3000", false)).isEqualTo(new HostPort("10.0.0.1", 3000));
    }

    @Test
    void readsAHostName() {
        assertThat(HostPort.parse("app.internal:443", false)).isEqualTo(new HostPort("app.internal", 443));
        assertThat(HostPort.parse("localhost:65535", false)).isEqualTo(new HostPort("localhost", 65535));
        assertThat(HostPort.parse("my_service-1:80", false)).isEqualTo(new HostPort("my_service-1", 80));
    }

    @Test
    void readsABracketedIpv6Address() {
        assertThat(HostPort.parse("[::1]:80", false)).isEqualTo(new HostPort("::1", 80));
        assertThat(HostPort.parse("[fd00::10]:3000", false)).isEqualTo(new HostPort("fd00::10", 3000));
        assertThat(HostPort.parse("[::ffff:10.0.0.1]:3000", false)).isEqualTo(new HostPort("::ffff:10.0.0.1", 3000));
    }

    @Test
    void readsAPortAloneAsEveryInterface() {
        HostPort address = HostPort.parse(":8080", true);

        assertThat(address).isEqualTo(new HostPort("", 8080));
        assertThat(address.isWildcard()).isTrue();
    }

    @Test
    void acceptsPortZeroOnlyWhereAllowed() {
        assertThat(HostPort.parse("127.0.0.1:0", true)).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(HostPort.parse("127.0.0.1:0", false)).isNull();
    }

    @Test
    void readsLeadingZerosInThePort() {
        assertThat(HostPort.parse("10.0.0.1:00080", false)).isEqualTo(new HostPort("10.0.0.1", 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "nohost", "10.0.0.1", "10.0.0.1:", "10.0.0.1:abc", "10.0.0.1:99999",
            "10.0.0.1:65536", "10.0.0.1:123456", "10.0.0.1:-1", "10.0.0.1:+80", "10.0.0.1: 80", "10.0.0.1:8o",
            "[::1:80", "::1:80", "::1]:80", "[::1]", "[::1]80", "[]:80", "[zz::1]:80", "[fe80::1%eth0]:80",
            "[10.0.0.1]:80", "a..b:80", ".a:80", "a.:80", "-a:80", "a-:80", "host name:80", "héllo:80",
            "a/b:80", "http://a:80"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThat(HostPort.parse(text, true)).isNull();
    }

    @Test
    void rejectsALabelLongerThan63Characters() {
        assertThat(HostPort.parse("a".repeat(63) + ".example:80", false)).isNotNull();
        assertThat(HostPort.parse("a".repeat(64) + ".example:80", false)).isNull();
    }

    @Test
    void rejectsANameLongerThan253Characters() {
        String label = "a".repeat(49) + ".";
        String name253 = label.repeat(5) + "abc";
        assertThat(name253).hasSize(253);

        assertThat(HostPort.parse(name253 + ":80", false)).isNotNull();
        assertThat(HostPort.parse(name253 + "d:80", false)).isNull();
    }

    @Test
    void knowsTheWildcardHosts() {
        assertThat(new HostPort("", 80).isWildcard()).isTrue();
        assertThat(new HostPort("0.0.0.0", 80).isWildcard()).isTrue();
        assertThat(new HostPort("::", 80).isWildcard()).isTrue();
        assertThat(new HostPort("127.0.0.1", 80).isWildcard()).isFalse();
        assertThat(new HostPort("::1", 80).isWildcard()).isFalse();
    }

    @Test
    void printsIpv6InBrackets() {
        assertThat(new HostPort("::1", 80)).hasToString("[::1]:80");
        assertThat(new HostPort("10.0.0.1", 3000)).hasToString("10.0.0.1:3000");
        assertThat(new HostPort("", 8080)).hasToString(":8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:3000", "[::1]:80", ":8080", "app.internal:443"})
    void printsWhatItReads(String text) {
        assertThat(HostPort.parse(text, false)).hasToString(text);
    }

    @Test
    void resolvesAnEmptyHostToTheWildcardAddress() {
        InetSocketAddress address = new HostPort("", 8080).resolve();

        assertThat(address.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(address.getPort()).isEqualTo(8080);
    }

    @Test
    void resolvesALiteralWithoutLookingItUp() {
        InetSocketAddress address = new HostPort("127.0.0.1", 9090).resolve();

        assertThat(address.isUnresolved()).isFalse();
        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPort()).isEqualTo(9090);
    }
}
