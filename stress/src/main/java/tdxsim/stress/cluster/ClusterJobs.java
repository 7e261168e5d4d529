package tdxsim.stress.cluster;

/** The jobs a worker node can run, by {@link ClusterJob#kind()}. Explore and hunt. */
public final class ClusterJobs {
  private ClusterJobs() {}

  /** The job {@code kind} from its {@code spec}; an unknown kind is a coordinator of another tdxsim. */
  public static ClusterJob<?> forWorker(String kind, String spec) {
    return switch (kind) {
      case ExploreClusterJob.KIND -> ExploreClusterJob.fromSpec(spec);
      case HuntClusterJob.KIND -> HuntClusterJob.fromSpec(spec);
      default -> throw new IllegalArgumentException("the coordinator asks for a job this worker does not know: "
          + kind);
    };
  }
}
