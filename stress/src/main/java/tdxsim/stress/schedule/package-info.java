/**
 * The schedule as data: one {@link tdxsim.stress.schedule.Decision} per delivery. Below both the runtime that
 * makes the decisions and the strategies that replay them, so that neither imports the other back.
 */
package tdxsim.stress.schedule;
