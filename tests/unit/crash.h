/* crash.h: for unit tests: run some work in a child process that dies at one
 * crash point (MC_CRASH_POINT), as a kill -9 there would, then check in the
 * parent that nothing is lost and nothing raises a false alarm. */
#ifndef MCASSESS_TEST_CRASH_H
#define MCASSESS_TEST_CRASH_H

#include <signal.h>
#include <sys/wait.h>

#include "mcassess/util.h"

static const char *unit_crash_point;

static inline void unit_crash_here(const char *point)
{
	if (strcmp(point, unit_crash_point) == 0)
		raise(SIGKILL); /* as kill -9: no exit handlers, no buffers flushed, no leak report */
}

/* fn(arg) in a child that dies at `point`; the test fails if it never gets there. */
static inline void unit_killed_at(const char *point, void (*fn)(void *arg), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unit_crash_point = point;
		mc_crash_hook = unit_crash_here;
		fn(arg);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		fail_msg("the work never reached the crash point '%s'", point);
}
#endif
