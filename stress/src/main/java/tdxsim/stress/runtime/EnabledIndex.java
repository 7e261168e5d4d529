package tdxsim.stress.runtime;

import tdxsim.stress.strategy.Delivery;

/**
 * The enabled deliveries looked up by name instead of listed: what a {@link DirectedStrategy} asks, in constant
 * time per question, where the list costs a scan over every actor with a message waiting. Ids are per world (a
 * strategy may keep them until its next {@code reset}).
 */
public interface EnabledIndex {
  /** The world actor so named, as an id for {@link #enabled}: its creation index; -1 while it does not exist. */
  int receiverId(String name);

  /** The sending channel so named (a world actor, {@code external} or {@code timer}) as an id; -1 if none. */
  int senderId(String name);

  /**
   * The enabled delivery to {@code receiver} from {@code sender} whose head message is that sender's
   * {@code senderSeq}-th send, or null if that message is not at the head of an enabled channel.
   */
  Delivery enabled(int receiver, int sender, long senderSeq);
}
