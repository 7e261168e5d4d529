package tdxsim.stress.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.fixtures.FanInWorld;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;

/**
 * The deterministic runtime numbers each message by its sender ({@link Delivery#senderSeq}): the sender's n-th
 * message to any world actor, whatever the schedule.
 */
class SenderSeqTest {
  @Test
  void eachSenderNumbersItsMessagesToWorldActors() {
    List<String> seen = new ArrayList<>();
    Strategy lastFirst = new Strategy() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public void reset(long seed) {}

      @Override
      public int pick(List<Delivery> enabled) {
        int i = enabled.size() - 1; // the last enabled: sender-b before sender-a
        Delivery d = enabled.get(i);
        seen.add(d.receiver() + "<-" + d.sender() + "#" + d.senderSeq());
        return i;
      }
    };
    try (DeterministicSystem sys = DeterministicSystem.create("seq-test")) {
      for (int schedule = 0; schedule < 2; schedule++) {
        seen.clear();
        sys.run(new FanInWorld(), lastFirst, Budget.DEFAULT);
        assertEquals(List.of("sender-b<-world#2", "sender-a<-world#1", "sink<-sender-b#1", "sink<-sender-b#2",
            "sink<-sender-b#3", "sink<-sender-a#1", "sink<-sender-a#2", "sink<-sender-a#3"), seen,
            "numbered from 1 in every schedule");
      }
    }
  }
}
