package dev.lintas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lintas.runtime.config.ConfigException;
import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Position;

/** No two listeners, of any section, may bind one address; port 0 asks for a free port and never clashes. */
class ListenersApartTest {

    private static final Path FILE = Path.of("lintas.yaml");

    private static List<ConfigProblem> problemsIn(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> LintasConfig.parse(FILE, yaml));
        assertThat(e).as("problems in\n" + yaml).isNotNull();
        return e.problems();
    }

    private static void assertNoProblems(String yaml) {
        assertThatNoException().isThrownBy(() -> LintasConfig.parse(FILE, yaml));
    }

    private static ConfigProblem problem(int line, int column, String message) {
        return new ConfigProblem(new Position(FILE.toString(), line, column), message);
    }

    @Test
    void gatewayListenerOnTheAdminAddressIsReported() {
        assertThat(problemsIn("""
                admin:
                  listen: 127.0.0.1:9090
                gateway:
                  listeners:
                    - name: web
                      listen: 127.0.0.1:9090
                """)).containsExactly(problem(6, 15,
                "gateway listener 'web' listens on 127.0.0.1:9090, which the admin listener already uses (line 2)"));
    }

    @Test
    void twoGatewayListenersOnOneAddressAreReportedAtTheSecond() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: a
                      listen: 127.0.0.1:8080
                    - name: b
                      listen: 127.0.0.1:8080
                """)).containsExactly(problem(6, 15,
                "gateway listener 'b' listens on 127.0.0.1:8080, which gateway listener 'a' already uses (line 4)"));
    }

    @Test
    void wildcardClashesWithASpecificAddressOnTheSamePort() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: public
                      listen: 0.0.0.0:8080
                    - name: local
                      listen: 127.0.0.1:8080
                """)).containsExactly(problem(6, 15, "gateway listener 'local' listens on 127.0.0.1:8080, which "
                + "gateway listener 'public' already uses (line 4)"));
    }

    @Test
    void specificAddressClashesWithAWildcardWrittenAfterIt() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: local
                      listen: 127.0.0.1:8080
                    - name: public
                      listen: :8080
                """)).containsExactly(problem(6, 15, "gateway listener 'public' listens on :8080, which "
                + "gateway listener 'local' already uses (line 4)"));
    }

    @Test
    void ipv6WildcardClashesWithAnIpv4Address() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: v4
                      listen: 10.0.0.5:8080
                    - name: v6
                      listen: "[::]:8080"
                """)).containsExactly(problem(6, 15, "gateway listener 'v6' listens on [::]:8080, which "
                + "gateway listener 'v4' already uses (line 4)"));
    }

    @Test
    void hostNamesAreComparedIgnoringCase() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: a
                      listen: localhost:8080
                    - name: b
                      listen: LOCALHOST:8080
                """)).containsExactly(problem(6, 15, "gateway listener 'b' listens on LOCALHOST:8080, which "
                + "gateway listener 'a' already uses (line 4)"));
    }

    @Test
    void defaultGatewayListenerClashesWithTheAdminListener() {
        assertThat(problemsIn("""
                admin:
                  listen: 127.0.0.1:8080
                gateway:
                  access-log: off
                """)).containsExactly(problem(4, 3,
                "gateway listener 'web' listens on 0.0.0.0:8080, which the admin listener already uses (line 2)"));
    }

    @Test
    void amqpListenerOnTheMqttAddressIsReported() {
        assertThat(problemsIn("""
                broker:
                  mqtt:
                    listen: 0.0.0.0:1883
                  amqp:
                    listen: 0.0.0.0:1883
                """)).singleElement().satisfies(p -> {
            assertThat(p.position().line()).isEqualTo(5);
            assertThat(p.message()).isEqualTo(
                    "the AMQP listener listens on 0.0.0.0:1883, which the MQTT listener already uses (line 3)");
        });
    }

    /**
     * Bug: the broker section's reader recorded where the mqtt and amqp {@code listen} keys are written, not where their
     * addresses are, so a clash is reported at column 5 while admin and gateway clashes point at the address.
     */
    @Test
    void mqttListenerClashIsReportedAtItsAddress() {
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: web
                      listen: 0.0.0.0:1883
                broker:
                  mqtt:
                    listen: 0.0.0.0:1883
                """)).containsExactly(problem(7, 13,
                "the MQTT listener listens on 0.0.0.0:1883, which gateway listener 'web' already uses (line 4)"));
    }

    @Test
    void mqttWebSocketListenerClashesWithTheMqttListenerAndTheGateway() {
        assertThat(problemsIn("""
                broker:
                  mqtt:
                    listen: 0.0.0.0:1883
                    websocket:
                      listen: 127.0.0.1:1883
                """)).containsExactly(problem(5, 15, "the MQTT WebSocket listener listens on 127.0.0.1:1883, which "
                + "the MQTT listener already uses (line 3)"));
        assertThat(problemsIn("""
                gateway:
                  listeners:
                    - name: web
                      listen: 0.0.0.0:8080
                broker:
                  mqtt:
                    websocket:
                      listen: :8080
                """)).containsExactly(problem(8, 15, "the MQTT WebSocket listener listens on :8080, which gateway "
                + "listener 'web' already uses (line 4)"));
        assertNoProblems("""
                broker:
                  mqtt:
                    listen: 0.0.0.0:1883
                    websocket:
                      listen: 0.0.0.0:8083
                """);
    }

    @Test
    void portZeroNeverClashes() {
        assertNoProblems("""
                admin:
                  listen: 127.0.0.1:0
                gateway:
                  listeners:
                    - name: a
                      listen: 127.0.0.1:0
                    - name: b
                      listen: 0.0.0.0:0
                broker:
                  mqtt:
                    listen: :0
                """);
    }

    @Test
    void differentPortsDoNotClash() {
        assertNoProblems("""
                admin:
                  listen: 0.0.0.0:9090
                gateway:
                  listeners:
                    - name: a
                      listen: 0.0.0.0:8080
                    - name: b
                      listen: 0.0.0.0:8081
                """);
    }

    @Test
    void differentSpecificHostsOnOnePortDoNotClash() {
        assertNoProblems("""
                gateway:
                  listeners:
                    - name: a
                      listen: 127.0.0.1:8080
                    - name: b
                      listen: 127.0.0.2:8080
                """);
    }
}
