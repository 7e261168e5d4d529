package tdxsim.stress.junit;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import tdxsim.stress.ext.TdxSimPlugin;

/**
 * Runs {@link TdxSimTest} methods: one invocation (or one per catalogue entry), each with its own
 * {@link TdxExploration}; the method configures it, then the exploration runs and decides the verdict. A passing
 * invocation publishes the report entry {@code tdxsim} (and prints it), and for a clean run one entry
 * {@code tdxsim.<figure>} per coverage figure (schedules, deliveries, strategy, chains, choiceSteps, missBound).
 */
public final class TdxSimExtension implements TestTemplateInvocationContextProvider {
  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, TdxSimTest.class)).orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    Method m = context.getRequiredTestMethod();
    TdxSimTest a = AnnotationSupport.findAnnotation(m, TdxSimTest.class).orElseThrow();
    String test = context.getRequiredTestClass().getSimpleName() + "." + m.getName();
    List<Planned> runs = new ArrayList<>();
    if (a.catalogue().length == 0) {
      runs.add(new Planned(x(a), test, a.scenario() + (a.options().length == 0 ? ""
          : " +" + String.join("+", a.options()))));
    } else {
      for (CatalogueRuns.Run r : CatalogueRuns.select(Arrays.asList(a.catalogue()))) {
        TdxExploration x = x(a).scenario(r.scenario()).option(r.options().toArray(String[]::new));
        x.expected.addAll(r.expected());
        if (r.expected().isEmpty()) x.schedules(Math.min(x.schedules, CatalogueRuns.BASELINE_SCHEDULES));
        runs.add(new Planned(x, test + "-" + r.id(), r.label()));
      }
    }
    return runs.stream().map(r -> r);
  }

  private static TdxExploration x(TdxSimTest a) {
    TdxExploration x = new TdxExploration(a);
    for (Class<? extends TdxSimPlugin> c : a.plugins()) {
      try {
        x.plugin(c.getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("tdxsim: cannot instantiate plugin " + c.getName() + ": " + e, e);
      }
    }
    return x;
  }

  /** One invocation: its exploration handed to the method, then run. */
  private record Planned(TdxExploration exploration, String traceName, String displayName)
      implements TestTemplateInvocationContext, ParameterResolver, InvocationInterceptor {
    @Override
    public String getDisplayName(int invocationIndex) {
      return displayName;
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
      return p.getParameter().getType() == TdxExploration.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
      return exploration;
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
        ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
      invocation.proceed();
      TdxRun.Passed p = TdxRun.run(exploration, traceName);
      context.publishReportEntry(p.entries());
      System.out.println("tdxsim: " + traceName + ": " + p.summary());
    }
  }
}
