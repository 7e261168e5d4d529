/**
 * The race catalogue (issue 6): races, protocol mutations and design comparisons as data
 * ({@code catalogue.conf}), and what runs them. {@link tdxsim.stress.catalogue.Catalogue} loads and validates the
 * file; {@link tdxsim.stress.catalogue.Hunter} hunts a target the way {@code explore} does;
 * {@link tdxsim.stress.catalogue.CatalogueRun} makes the README's table and
 * {@link tdxsim.stress.catalogue.ComparisonRun} the side-by-side tables of {@code ./tdxsim compare}. The tests
 * are parameterised over the same file, so an entry added there is an entry tested.
 */
package tdxsim.stress.catalogue;
