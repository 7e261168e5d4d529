package tdxsim.actors.kvm;

/** The kernel error numbers the KVM flows return (negative), and their names for observations. */
public final class Errno {
  private Errno() {}

  public static final int EIO = -5;
  public static final int EAGAIN = -11;
  public static final int ENOMEM = -12;
  public static final int EFAULT = -14;
  public static final int EBUSY = -16;
  public static final int EOPNOTSUPP = -95;

  public static String name(int err) {
    return switch (err) {
      case 0 -> "0";
      case EIO -> "-EIO";
      case EAGAIN -> "-EAGAIN";
      case ENOMEM -> "-ENOMEM";
      case EFAULT -> "-EFAULT";
      case EBUSY -> "-EBUSY";
      case EOPNOTSUPP -> "-EOPNOTSUPP";
      default -> Integer.toString(err);
    };
  }
}
