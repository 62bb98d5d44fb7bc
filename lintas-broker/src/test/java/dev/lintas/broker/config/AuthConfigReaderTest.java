package dev.lintas.broker.config;

import dev.lintas.broker.auth.AuthConfig;
import dev.lintas.broker.auth.PasswordHash;
import dev.lintas.runtime.config.ConfigProblem;
import dev.lintas.runtime.config.Position;
import dev.lintas.runtime.config.Problems;
import dev.lintas.runtime.config.YamlLoader;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code broker.users} and {@code broker.allow-anonymous}. */
class AuthConfigReaderTest {

    private static final String FILE = "lintas.yaml";
    private static final String HASH = PasswordHash.create("pw".toCharArray(), 1000, new SecureRandom()).toString();
    private static final String NOT_A_HASH = "password: not a password hash (expected $pbkdf2-sha256$i=ITERATIONS$SALT"
            + "$HASH with 1000 to 10000000 iterations, as 'lintas passwd' prints it; never the password itself)";

    private final Problems problems = new Problems();

    private AuthConfig read(String yaml) {
        return BrokerConfigReader.read(YamlLoader.parse(FILE, yaml, problems).map("a mapping", "broker")
                .get("broker").orElseThrow()).auth();
    }

    private static ConfigProblem problem(int line, int column, String message) {
        return new ConfigProblem(new Position(FILE, line, column), message);
    }

    @Test
    void noUsersAndNoAnonymousByDefault() {
        assertThat(read("broker: {}\n")).isEqualTo(AuthConfig.DEFAULTS);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void usersAndAllowAnonymousAreRead() {
        AuthConfig auth = read("""
                broker:
                  allow-anonymous: true
                  users:
                    - name: alice
                      password: %s
                    - name: bob
                      password: "%s"
                """.formatted(HASH, HASH));

        assertThat(problems.sorted()).isEmpty();
        assertThat(auth.allowAnonymous()).isTrue();
        assertThat(auth.users()).extracting(AuthConfig.User::name).containsExactly("alice", "bob");
        assertThat(auth.users().get(0).password().matches("pw".toCharArray())).isTrue();
    }

    @Test
    void aPasswordThatIsNotAHashIsAProblemAtItsPositionAndIsNotEchoed() {
        read("""
                broker:
                  users:
                    - name: alice
                      password: wonderland
                    - name: bob
                      password: $pbkdf2-sha256$i=10$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
                """);

        assertThat(problems.sorted()).containsExactly(problem(4, 17, NOT_A_HASH), problem(6, 17, NOT_A_HASH));
        assertThat(problems.sorted().toString()).doesNotContain("wonderland");
    }

    @Test
    void missingFieldsDuplicateNamesAndBadValuesAreReportedTogether() {
        read("""
                broker:
                  allow-anonymous: maybe
                  users:
                    - name: alice
                      password: %s
                    - name: alice
                      password: %s
                    - name: carol
                    - password: %s
                    - dave
                    - name: eve
                      pasword: x
                """.formatted(HASH, HASH, HASH));

        assertThat(problems.sorted()).containsExactly(
                problem(2, 20, "allow-anonymous: 'maybe' (expected true, false, yes, no, on or off)"),
                problem(6, 13, "duplicate user 'alice' (first written at line 4)"),
                problem(8, 7, "missing 'password' (expected the hash of the user's password, from 'lintas passwd')"),
                problem(9, 7, "missing 'name' (expected the user's name)"),
                problem(10, 7, "expected a user (a mapping with name and password), got 'dave'"),
                problem(11, 7, "missing 'password' (expected the hash of the user's password, from 'lintas passwd')"),
                problem(12, 7, "unknown key 'pasword' (did you mean 'password'?)"));
    }
}
