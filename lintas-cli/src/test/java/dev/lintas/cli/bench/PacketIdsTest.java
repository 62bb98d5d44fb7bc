package dev.lintas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The in-flight window of one publisher. */
class PacketIdsTest {

    @Test
    void handsOutIdsInTurnUpToTheWindow() {
        PacketIds ids = new PacketIds(3);

        assertThat(ids.take()).isEqualTo(1);
        assertThat(ids.take()).isEqualTo(2);
        assertThat(ids.take()).isEqualTo(3);
        assertThat(ids.full()).isTrue();
        assertThatThrownBy(ids::take).isInstanceOf(IllegalStateException.class).hasMessageContaining("window full");
    }

    @Test
    void anAcknowledgementOutOfOrderFreesItsSlotAndAnUnknownIdIsRefused() {
        PacketIds ids = new PacketIds(2);
        ids.take();
        ids.take();

        assertThat(ids.release(2)).isTrue();
        assertThat(ids.release(2)).isFalse();
        assertThat(ids.release(0)).isFalse();
        assertThat(ids.release(70_000)).isFalse();
        assertThat(ids.take()).isEqualTo(3);
        assertThat(ids.inUse()).isEqualTo(2);
    }

    @Test
    void wrapsAfter65535AndSkipsIdsStillInUse() {
        PacketIds ids = new PacketIds(2);
        int first = ids.take();   // 1 stays in flight throughout
        for (int i = 2; i <= 65_535; i++) {
            int id = ids.take();
            assertThat(id).isEqualTo(i);
            ids.release(id);
        }

        assertThat(first).isEqualTo(1);
        assertThat(ids.take()).isEqualTo(2);
    }

    @Test
    void aWindowOutsideTheRangeOfPacketIdsIsRefused() {
        assertThatThrownBy(() -> new PacketIds(0)).hasMessage("window: 0 (expected: 1 to 65535)");
        assertThatThrownBy(() -> new PacketIds(65_536)).hasMessage("window: 65536 (expected: 1 to 65535)");
    }
}
