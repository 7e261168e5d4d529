package tdxsim.stress.strategy;

/**
 * An enabled delivery as a strategy sees it: the head message of one (sender, receiver) channel. Pekko keeps
 * messages FIFO per sender, so only channel heads are ever enabled; choosing among them gives every order Pekko
 * allows and no other.
 *
 * <p>The object is owned by the runtime and only valid during {@link Strategy#pick}; do not keep it.
 */
public interface Delivery {
  /** Value of {@link #priority()} for a delivery that no strategy has looked at yet. */
  long UNSET = Long.MIN_VALUE;

  /** Logical name of the receiving actor, e.g. {@code vcpu-0}. */
  String receiver();

  /** Dense per-schedule number of the receiver, in creation order: an array index for per-actor state. */
  int receiverIndex();

  /** The receiver's delivery number this delivery will get (1-based). */
  long receiverSeq();

  /** The sending channel: an actor's logical name, {@code external} or {@code timer}. */
  String sender();

  /**
   * The sender-minted sequence number of the message at the channel head: it is the sender's n-th message to any
   * world actor in this schedule (1-based). A sender's sends depend only on what it received, so this names the
   * same message in every run that delivered the same messages to the sender in the same order; the parallel
   * runtime's records use it. 0 if the runtime does not number messages.
   */
  default long senderSeq() {
    return 0;
  }

  /**
   * The causal chain of the message at the channel head (PCTCP's chains, Ozkan et al. OOPSLA 2018): a message
   * continues the chain of the message whose handler sent it, if it is that handler's first send; a handler's
   * further sends, and messages from outside the world, start new chains. Ids are minted per schedule in send
   * order, so they are a function of the schedule. 0 if the runtime does not track chains.
   */
  default long chain() {
    return 0;
  }

  /** The head message started its chain (a fork: a handler's second or later send, or a send from outside). */
  default boolean forked() {
    return false;
  }

  /** Class of the message at the channel head. */
  Class<?> messageClass();

  /** The message at the channel head (read only: strategies look at its fields, never change it); null if unknown. */
  default Object message() {
    return null;
  }

  /**
   * A slot the current strategy may use for a per-delivery priority. The runtime resets it to {@link #UNSET}
   * whenever a new message becomes the channel head, i.e. when this delivery becomes enabled.
   */
  long priority();

  void setPriority(long priority);

  /**
   * How many picks this delivery has been enabled for without being chosen; reset to 0 whenever it becomes
   * enabled. Kept for {@link FairStrategy}.
   */
  int passedOver();

  void setPassedOver(int n);
}
