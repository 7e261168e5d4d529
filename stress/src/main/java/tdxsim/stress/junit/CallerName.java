package tdxsim.stress.junit;

import java.util.Set;

/**
 * Names a trace after the test that asked for it: the first stack frame outside this API, as
 * {@code <TestClass>.<method>} (a nested class keeps its {@code Outer$Inner} name; a lambda in a test method
 * counts as that method). Without an annotation or a JUnit extension this is how the API knows the test, and
 * it is deterministic: the same test always writes the same file.
 */
final class CallerName {
  private static final Set<Class<?>> API = Set.of(Schedules.class, ScheduleExploration.class, CallerName.class);

  private CallerName() {}

  static String of() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(
            frames ->
                frames
                    .filter(f -> !API.contains(f.getDeclaringClass()))
                    .findFirst()
                    .map(f -> className(f.getDeclaringClass()) + "." + methodName(f.getMethodName()))
                    .orElse("unknown.test"));
  }

  private static String className(Class<?> c) {
    String pkg = c.getPackageName();
    return pkg.isEmpty() ? c.getName() : c.getName().substring(pkg.length() + 1);
  }

  /** {@code lambda$myTest$0} → {@code myTest}. */
  private static String methodName(String m) {
    if (m.startsWith("lambda$")) {
      int end = m.indexOf('$', "lambda$".length());
      if (end > "lambda$".length()) return m.substring("lambda$".length(), end);
    }
    return m;
  }
}
