package tdxsim.stress.strategy;

/** A delivery as the runtime shows it to a strategy, made by hand: receiver, sender, chain and message. */
final class FakeDelivery implements Delivery {
  final String receiver;
  final int index;
  final String sender;
  final long chain;
  Object message;
  long priority = UNSET;
  int passedOver;

  FakeDelivery(String receiver, int index, String sender, long chain) {
    this(receiver, index, sender, chain, null);
  }

  FakeDelivery(String receiver, int index, String sender, long chain, Object message) {
    this.receiver = receiver;
    this.index = index;
    this.sender = sender;
    this.chain = chain;
    this.message = message;
  }

  @Override public String receiver() {
    return receiver;
  }

  @Override public int receiverIndex() {
    return index;
  }

  @Override public long receiverSeq() {
    return 1;
  }

  @Override public String sender() {
    return sender;
  }

  @Override public long chain() {
    return chain;
  }

  @Override public Class<?> messageClass() {
    return message == null ? Object.class : message.getClass();
  }

  @Override public Object message() {
    return message;
  }

  @Override public long priority() {
    return priority;
  }

  @Override public void setPriority(long p) {
    priority = p;
  }

  @Override public int passedOver() {
    return passedOver;
  }

  @Override public void setPassedOver(int n) {
    passedOver = n;
  }
}
