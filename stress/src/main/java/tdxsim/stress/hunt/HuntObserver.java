package tdxsim.stress.hunt;

import tdxsim.stress.model.TdxWorldFactory;

/** Sees each schedule of a hunt once it ran (coverage); called on the worker's thread. */
@FunctionalInterface
public interface HuntObserver {
  HuntObserver NONE = (world, factory) -> {};

  /** A schedule of world {@code world} ended; {@code factory.current()} is its world. */
  void scheduleDone(long world, TdxWorldFactory factory);
}
