/* archive_attach.c: how the archive plugs into the layers below it. The store
 * and the core never call up into the archive: the session's drain and
 * check's archive part are hooks, and this sets them. Built with libgit2 or without (archive_stub.c). */
#include "config.h"

#include "mcassess/archive.h"
#include "mcassess/check.h"
#include "mcassess/session.h"

void archive_attach(void)
{
	session_set_drain(archive_drain);
	check_set_archive_part(archive_check);
}
