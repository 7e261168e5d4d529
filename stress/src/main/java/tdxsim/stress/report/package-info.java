/**
 * Reports: a trace replayed and drawn the way kernel commit messages draw races, one column per CPU context
 * ({@link tdxsim.stress.report.TextDiagram}), and as a self-contained HTML sequence chart
 * ({@link tdxsim.stress.report.HtmlChart}). {@link tdxsim.stress.report.RecordedRun} replays a trace with the
 * messages themselves, {@link tdxsim.stress.report.RaceDiagram} lays it out under a pluggable
 * {@link tdxsim.stress.report.ColumnPolicy}, {@link tdxsim.stress.report.MessageFormatter} renders messages.
 * Nothing here knows the TDX model: the CLI supplies which actors are CPU contexts.
 */
package tdxsim.stress.report;
