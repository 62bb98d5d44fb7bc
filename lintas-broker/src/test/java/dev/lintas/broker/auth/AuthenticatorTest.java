package dev.lintas.broker.auth;

import dev.lintas.broker.auth.Authenticator.Verdict;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of "Authentication defaults" in PRODUCT.md, for any protocol. */
class AuthenticatorTest {

    private static final SocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 50000);
    private static final SocketAddress REMOTE = new InetSocketAddress("10.1.2.3", 50000);
    private static final List<AuthConfig.User> ALICE = List.of(new AuthConfig.User("alice",
            PasswordHash.create("wonderland".toCharArray(), 1000, new SecureRandom())));

    private static Verdict verdict(AuthConfig config, SocketAddress remote, String name, String password) {
        return new Authenticator(config, Runnable::run).authenticate(remote, name,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8)).join();
    }

    @Test
    void withNoUsersAnonymousClientsComeInFromLoopbackOnly() {
        assertThat(verdict(AuthConfig.DEFAULTS, LOOPBACK, null, null)).isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(AuthConfig.DEFAULTS, new InetSocketAddress("::1", 1), null, null))
                .isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(AuthConfig.DEFAULTS, REMOTE, null, null)).isEqualTo(Verdict.NOT_AUTHORIZED);
        // A name sent to a broker with no users is ignored: the address decides.
        assertThat(verdict(AuthConfig.DEFAULTS, LOOPBACK, "bob", "x")).isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(AuthConfig.DEFAULTS, REMOTE, "bob", "x")).isEqualTo(Verdict.NOT_AUTHORIZED);
    }

    @Test
    void allowAnonymousLetsAnonymousClientsInFromAnyAddress() {
        assertThat(verdict(new AuthConfig(List.of(), true), REMOTE, null, null)).isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(new AuthConfig(ALICE, true), REMOTE, null, null)).isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(new AuthConfig(ALICE, true), REMOTE, "alice", "wrong"))
                .isEqualTo(Verdict.BAD_CREDENTIALS);
    }

    @Test
    void withUsersEveryClientAuthenticatesEvenFromLoopback() {
        AuthConfig config = new AuthConfig(ALICE, false);
        assertThat(verdict(config, LOOPBACK, null, null)).isEqualTo(Verdict.NOT_AUTHORIZED);
        assertThat(verdict(config, REMOTE, "alice", "wonderland")).isEqualTo(Verdict.ALLOWED);
        assertThat(verdict(config, LOOPBACK, "alice", "Wonderland")).isEqualTo(Verdict.BAD_CREDENTIALS);
        assertThat(verdict(config, LOOPBACK, "alice", null)).isEqualTo(Verdict.BAD_CREDENTIALS);
        assertThat(verdict(config, LOOPBACK, "mallory", "wonderland")).isEqualTo(Verdict.BAD_CREDENTIALS);
    }

    @Test
    void aPasswordThatIsNotUtf8MatchesNothing() {
        Authenticator authenticator = new Authenticator(new AuthConfig(ALICE, false), Runnable::run);
        assertThat(authenticator.authenticate(LOOPBACK, "alice", new byte[] {(byte) 0xC3, 0x28}).join())
                .isEqualTo(Verdict.BAD_CREDENTIALS);
    }

    @Test
    void aReconnectWithThePasswordThatLastWorkedNeedsNoHashCheckButAWrongOneAlwaysDoes() {
        AtomicInteger checks = new AtomicInteger();
        Authenticator authenticator = new Authenticator(new AuthConfig(ALICE, false), task -> {
            checks.incrementAndGet();
            task.run();
        });
        byte[] right = "wonderland".getBytes(StandardCharsets.UTF_8);
        byte[] wrong = "wonderlant".getBytes(StandardCharsets.UTF_8);

        assertThat(authenticator.authenticate(REMOTE, "alice", right).join()).isEqualTo(Verdict.ALLOWED);
        assertThat(checks).hasValue(1);
        assertThat(authenticator.authenticate(REMOTE, "alice", right).join()).isEqualTo(Verdict.ALLOWED);
        assertThat(checks).hasValue(1);
        assertThat(authenticator.authenticate(REMOTE, "alice", wrong).join()).isEqualTo(Verdict.BAD_CREDENTIALS);
        assertThat(authenticator.authenticate(REMOTE, "alice", wrong).join()).isEqualTo(Verdict.BAD_CREDENTIALS);
        assertThat(checks).hasValue(3);
    }

    @Test
    void passwordsAreCheckedOnTheHashingExecutorAndAFullOneIsBusy() {
        Authenticator full = new Authenticator(new AuthConfig(ALICE, false), task -> {
            throw new RejectedExecutionException("full");
        });
        assertThat(full.authenticate(LOOPBACK, "alice", "wonderland".getBytes(StandardCharsets.UTF_8)).join())
                .isEqualTo(Verdict.BUSY);
        // Decisions that need no hash are made at once, without the executor.
        assertThat(full.authenticate(LOOPBACK, null, null).join()).isEqualTo(Verdict.NOT_AUTHORIZED);
    }
}
