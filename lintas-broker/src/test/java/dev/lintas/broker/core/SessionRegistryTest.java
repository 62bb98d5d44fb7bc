package dev.lintas.broker.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** MQTT sessions: new, resumed, clean start, takeover and expiry on a fake clock. */
class SessionRegistryTest {

    private final FakeClock clock = new FakeClock();
    private final SessionRegistry<String> registry = new SessionRegistry<>(clock, "mqtt/");

    @Test
    void aFirstConnectStartsASessionWithItsOwnQueue() {
        SessionRegistry.Connected<String> connected = registry.connect("c1", "conn-a", false, 60_000);
        assertThat(connected.present()).isFalse();
        assertThat(connected.previousHolder()).isNull();
        assertThat(connected.ended()).isNull();
        assertThat(connected.session().queue()).startsWith("mqtt/c1");
        assertThat(registry.state(connected.session())).isEqualTo(Session.State.CONNECTED);
        assertThat(registry.holder(connected.session())).isEqualTo("conn-a");
    }

    @Test
    void aPersistentSessionIsResumedWithItsSubscriptions() {
        Session<String> session = registry.connect("c1", "conn-a", false, 60_000).session();
        session.subscribe("a/+", SubscriptionOptions.qos(1));
        assertThat(registry.disconnected("c1", "conn-a", 60_000)).isEmpty();
        assertThat(registry.state(session)).isEqualTo(Session.State.OFFLINE);

        clock.advance(59_999);
        SessionRegistry.Connected<String> again = registry.connect("c1", "conn-b", false, 60_000);

        assertThat(again.present()).isTrue();
        assertThat(again.session()).isSameAs(session);
        assertThat(again.session().subscriptions()).containsEntry("a/+", SubscriptionOptions.qos(1));
        assertThat(again.previousHolder()).isNull();
    }

    @Test
    void aSecondConnectionTakesTheSessionOverAndTheFirstOnesLateDisconnectIsIgnored() {
        Session<String> session = registry.connect("c1", "conn-a", false, SessionRegistry.NEVER).session();

        SessionRegistry.Connected<String> takeover = registry.connect("c1", "conn-b", false, SessionRegistry.NEVER);

        assertThat(takeover.previousHolder()).isEqualTo("conn-a");
        assertThat(takeover.present()).isTrue();
        assertThat(takeover.session()).isSameAs(session);
        assertThat(registry.disconnected("c1", "conn-a", 0)).isEmpty();
        assertThat(registry.holder(session)).isEqualTo("conn-b");
        assertThat(registry.state(session)).isEqualTo(Session.State.CONNECTED);
    }

    @Test
    void aCleanStartEndsTheOldSessionEvenWhenTakingOver() {
        Session<String> old = registry.connect("c1", "conn-a", false, SessionRegistry.NEVER).session();
        old.subscribe("x", SubscriptionOptions.qos(2));

        SessionRegistry.Connected<String> fresh = registry.connect("c1", "conn-b", true, 0);

        assertThat(fresh.present()).isFalse();
        assertThat(fresh.previousHolder()).isEqualTo("conn-a");
        assertThat(fresh.ended()).isSameAs(old);
        assertThat(registry.state(old)).isEqualTo(Session.State.ENDED);
        assertThat(fresh.session().queue()).isNotEqualTo(old.queue());
        assertThat(fresh.session().subscriptions()).isEmpty();
    }

    @Test
    void aSessionWithExpiryZeroEndsWithItsConnection() {
        Session<String> session = registry.connect("c1", "conn-a", true, 0).session();
        assertThat(registry.disconnected("c1", "conn-a", 0)).containsSame(session);
        assertThat(registry.find("c1")).isEmpty();
        assertThat(registry.state(session)).isEqualTo(Session.State.ENDED);
    }

    @Test
    void offlineSessionsExpireAfterTheirInterval() {
        Session<String> shortLived = registry.connect("short", "a", false, 10_000).session();
        registry.connect("long", "b", false, 60_000);
        registry.connect("never", "c", false, SessionRegistry.NEVER);
        registry.connect("online", "d", false, 1);
        registry.disconnected("short", "a", 10_000);
        registry.disconnected("long", "b", 60_000);
        registry.disconnected("never", "c", SessionRegistry.NEVER);

        clock.advance(9_999);
        assertThat(registry.expire()).isEmpty();
        clock.advance(1);
        assertThat(registry.expire()).containsExactly(shortLived);
        clock.advance(1_000_000_000L);
        assertThat(registry.expire()).extracting(Session::clientId).containsExactly("long");
        assertThat(registry.find("never")).isPresent();
        assertThat(registry.find("online")).isPresent();
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void aConnectFindingAnExpiredSessionStartsANewOne() {
        Session<String> old = registry.connect("c1", "a", false, 1_000).session();
        registry.disconnected("c1", "a", 1_000);
        clock.advance(1_000);

        SessionRegistry.Connected<String> connected = registry.connect("c1", "b", false, 1_000);

        assertThat(connected.present()).isFalse();
        assertThat(connected.ended()).isSameAs(old);
    }

    @Test
    void theExpiryIntervalGivenAtDisconnectApplies() {
        registry.connect("c1", "a", false, 60_000);
        registry.disconnected("c1", "a", 5_000);
        clock.advance(5_000);
        assertThat(registry.expire()).hasSize(1);
    }
}
