/* git2_dl.h: libgit2 for src/archive/archive.c, loaded with dlopen() the first
 * time the archive is used rather than linked, so that the workstation and every
 * command that does not touch the archive start without libgit2 and the
 * libraries it pulls in (libssh2, mbedtls, Kerberos, http-parser: 17 of them).
 *
 * archive.c includes this instead of <git2.h> and calls git_* as usual: each
 * name below is a macro for the matching pointer in git2_dl, which
 * git2_dl_load() fills (mc_dl_load: dlsym() from LIBGIT2_SONAME, which
 * configure finds).
 * Types and constants still come from libgit2's headers at compile time.
 *
 * To call another libgit2 function: add it to GIT2_DL_FUNCS and add its
 * #define below (a function missing from both fails at link time: the program
 * is not linked with -lgit2). The *_free and dispose functions are no-ops
 * before the library is loaded (nothing can have been allocated by it yet), so
 * clean-up paths are safe whatever happened first. */
#ifndef MCASSESS_GIT2_DL_H
#define MCASSESS_GIT2_DL_H
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include "mcassess/error.h"

#define GIT2_DL_FUNCS(X) \
	X(blob_create_from_disk) \
	X(blob_free) \
	X(blob_lookup) \
	X(blob_rawcontent) \
	X(blob_rawsize) \
	X(buf_dispose) \
	X(commit_author) \
	X(commit_create) \
	X(commit_create_buffer) \
	X(commit_free) \
	X(commit_lookup) \
	X(commit_message) \
	X(commit_parent) \
	X(commit_parent_id) \
	X(commit_parentcount) \
	X(commit_summary) \
	X(commit_tree) \
	X(credential_ssh_key_from_agent) \
	X(credential_ssh_key_new) \
	X(credential_username_new) \
	X(diff_foreach) \
	X(diff_free) \
	X(diff_options_init) \
	X(diff_tree_to_tree) \
	X(error_last) \
	X(error_set_str) \
	X(fetch_options_init) \
	X(graph_descendant_of) \
	X(index_add) \
	X(index_conflict_cleanup) \
	X(index_conflict_iterator_free) \
	X(index_conflict_iterator_new) \
	X(index_conflict_next) \
	X(index_free) \
	X(index_new) \
	X(index_read_tree) \
	X(index_remove_bypath) \
	X(index_has_conflicts) \
	X(index_write_tree_to) \
	X(libgit2_init) \
	X(libgit2_opts) \
	X(libgit2_shutdown) \
	X(mempack_new) \
	X(mempack_reset) \
	X(merge_base) \
	X(merge_options_init) \
	X(merge_trees) \
	X(object_type2string) \
	X(odb_add_alternate) \
	X(odb_add_backend) \
	X(odb_backend_loose) \
	X(odb_backend_pack) \
	X(odb_backend_data_free) \
	X(odb_free) \
	X(odb_hash) \
	X(odb_init_backend) \
	X(odb_new) \
	X(odb_object_data) \
	X(odb_object_free) \
	X(odb_object_size) \
	X(odb_object_type) \
	X(odb_open) \
	X(odb_read) \
	X(odb_refresh) \
	X(oid_cmp) \
	X(oid_cpy) \
	X(oid_equal) \
	X(oid_fromstr) \
	X(oid_tostr) \
	X(oid_tostr_s) \
	X(push_options_init) \
	X(reference_create) \
	X(reference_create_matching) \
	X(reference_free) \
	X(reference_name_to_id) \
	X(remote_create_options_init) \
	X(remote_create_with_opts) \
	X(remote_fetch) \
	X(remote_free) \
	X(remote_push) \
	X(repository_free) \
	X(repository_init_ext) \
	X(repository_init_options_init) \
	X(repository_odb) \
	X(repository_set_odb) \
	X(repository_open_bare) \
	X(revwalk_free) \
	X(revwalk_new) \
	X(revwalk_next) \
	X(revwalk_push) \
	X(revwalk_sorting) \
	X(signature_free) \
	X(signature_new) \
	X(tree_entry_byname) \
	X(tree_entry_bypath) \
	X(tree_entry_filemode) \
	X(tree_entry_free) \
	X(tree_entry_id) \
	X(tree_entry_name) \
	X(tree_entry_type) \
	X(tree_free) \
	X(tree_lookup) \
	X(tree_walk) \
	X(tree_entry_byindex) \
	X(tree_entrycount) \
	X(tree_id) \
	X(treebuilder_free) \
	X(treebuilder_insert) \
	X(treebuilder_new)

struct git2_dl {
#define GIT2_DL_MEMBER(n) __typeof__(git_##n) *n;
	GIT2_DL_FUNCS(GIT2_DL_MEMBER)
#undef GIT2_DL_MEMBER
};
extern struct git2_dl git2_dl;

/* Load libgit2 (once per process; MC_OK at once after a success). On failure
 * err says which library could not be loaded and why, nothing is kept, and the
 * next call tries again. Does not call git_libgit2_init(): archive.c does. */
int git2_dl_load(struct mc_error *err);

#define GIT2_DL_FREE(fn, p) (git2_dl.fn ? git2_dl.fn(p) : (void)0)
#define git_blob_create_from_disk (*git2_dl.blob_create_from_disk)
#define git_blob_free(p) GIT2_DL_FREE(blob_free, p)
#define git_blob_lookup (*git2_dl.blob_lookup)
#define git_blob_rawcontent (*git2_dl.blob_rawcontent)
#define git_blob_rawsize (*git2_dl.blob_rawsize)
#define git_buf_dispose(p) GIT2_DL_FREE(buf_dispose, p)
#define git_commit_author (*git2_dl.commit_author)
#define git_commit_create (*git2_dl.commit_create)
#define git_commit_create_buffer (*git2_dl.commit_create_buffer)
#define git_commit_free(p) GIT2_DL_FREE(commit_free, p)
#define git_commit_lookup (*git2_dl.commit_lookup)
#define git_commit_message (*git2_dl.commit_message)
#define git_commit_parent (*git2_dl.commit_parent)
#define git_commit_parent_id (*git2_dl.commit_parent_id)
#define git_commit_parentcount (*git2_dl.commit_parentcount)
#define git_commit_summary (*git2_dl.commit_summary)
#define git_commit_tree (*git2_dl.commit_tree)
#define git_credential_ssh_key_from_agent (*git2_dl.credential_ssh_key_from_agent)
#define git_credential_ssh_key_new (*git2_dl.credential_ssh_key_new)
#define git_credential_username_new (*git2_dl.credential_username_new)
#define git_diff_foreach (*git2_dl.diff_foreach)
#define git_diff_free(p) GIT2_DL_FREE(diff_free, p)
#define git_diff_options_init (*git2_dl.diff_options_init)
#define git_diff_tree_to_tree (*git2_dl.diff_tree_to_tree)
#define git_error_last (*git2_dl.error_last)
#define git_error_set_str (*git2_dl.error_set_str)
#define git_fetch_options_init (*git2_dl.fetch_options_init)
#define git_graph_descendant_of (*git2_dl.graph_descendant_of)
#define git_index_add (*git2_dl.index_add)
#define git_index_conflict_cleanup (*git2_dl.index_conflict_cleanup)
#define git_index_conflict_iterator_free(p) GIT2_DL_FREE(index_conflict_iterator_free, p)
#define git_index_conflict_iterator_new (*git2_dl.index_conflict_iterator_new)
#define git_index_conflict_next (*git2_dl.index_conflict_next)
#define git_index_free(p) GIT2_DL_FREE(index_free, p)
#define git_index_new (*git2_dl.index_new)
#define git_index_read_tree (*git2_dl.index_read_tree)
#define git_index_remove_bypath (*git2_dl.index_remove_bypath)
#define git_index_has_conflicts (*git2_dl.index_has_conflicts)
#define git_index_write_tree_to (*git2_dl.index_write_tree_to)
#define git_libgit2_init (*git2_dl.libgit2_init)
#define git_libgit2_opts (*git2_dl.libgit2_opts)
#define git_libgit2_shutdown (*git2_dl.libgit2_shutdown)
#define git_mempack_new (*git2_dl.mempack_new)
#define git_mempack_reset (*git2_dl.mempack_reset)
#define git_merge_base (*git2_dl.merge_base)
#define git_merge_options_init (*git2_dl.merge_options_init)
#define git_merge_trees (*git2_dl.merge_trees)
#define git_object_type2string (*git2_dl.object_type2string)
#define git_odb_add_alternate (*git2_dl.odb_add_alternate)
#define git_odb_add_backend (*git2_dl.odb_add_backend)
#define git_odb_backend_loose (*git2_dl.odb_backend_loose)
#define git_odb_backend_pack (*git2_dl.odb_backend_pack)
#define git_odb_backend_data_free (*git2_dl.odb_backend_data_free)
#define git_odb_free(p) GIT2_DL_FREE(odb_free, p)
#define git_odb_hash (*git2_dl.odb_hash)
#define git_odb_init_backend (*git2_dl.odb_init_backend)
#define git_odb_new (*git2_dl.odb_new)
#define git_odb_object_data (*git2_dl.odb_object_data)
#define git_odb_object_free(p) GIT2_DL_FREE(odb_object_free, p)
#define git_odb_object_size (*git2_dl.odb_object_size)
#define git_odb_object_type (*git2_dl.odb_object_type)
#define git_odb_open (*git2_dl.odb_open)
#define git_odb_read (*git2_dl.odb_read)
#define git_odb_refresh (*git2_dl.odb_refresh)
#define git_oid_cmp (*git2_dl.oid_cmp)
#define git_oid_cpy (*git2_dl.oid_cpy)
#define git_oid_equal (*git2_dl.oid_equal)
#define git_oid_fromstr (*git2_dl.oid_fromstr)
#define git_oid_tostr (*git2_dl.oid_tostr)
#define git_oid_tostr_s (*git2_dl.oid_tostr_s)
#define git_push_options_init (*git2_dl.push_options_init)
#define git_reference_create (*git2_dl.reference_create)
#define git_reference_create_matching (*git2_dl.reference_create_matching)
#define git_reference_free(p) GIT2_DL_FREE(reference_free, p)
#define git_reference_name_to_id (*git2_dl.reference_name_to_id)
#define git_remote_create_options_init (*git2_dl.remote_create_options_init)
#define git_remote_create_with_opts (*git2_dl.remote_create_with_opts)
#define git_remote_fetch (*git2_dl.remote_fetch)
#define git_remote_free(p) GIT2_DL_FREE(remote_free, p)
#define git_remote_push (*git2_dl.remote_push)
#define git_repository_free(p) GIT2_DL_FREE(repository_free, p)
#define git_repository_init_ext (*git2_dl.repository_init_ext)
#define git_repository_init_options_init (*git2_dl.repository_init_options_init)
#define git_repository_odb (*git2_dl.repository_odb)
#define git_repository_set_odb (*git2_dl.repository_set_odb)
#define git_repository_open_bare (*git2_dl.repository_open_bare)
#define git_revwalk_free(p) GIT2_DL_FREE(revwalk_free, p)
#define git_revwalk_new (*git2_dl.revwalk_new)
#define git_revwalk_next (*git2_dl.revwalk_next)
#define git_revwalk_push (*git2_dl.revwalk_push)
#define git_revwalk_sorting (*git2_dl.revwalk_sorting)
#define git_signature_free(p) GIT2_DL_FREE(signature_free, p)
#define git_signature_new (*git2_dl.signature_new)
#define git_tree_entry_byname (*git2_dl.tree_entry_byname)
#define git_tree_entry_bypath (*git2_dl.tree_entry_bypath)
#define git_tree_entry_filemode (*git2_dl.tree_entry_filemode)
#define git_tree_entry_free(p) GIT2_DL_FREE(tree_entry_free, p)
#define git_tree_entry_id (*git2_dl.tree_entry_id)
#define git_tree_entry_name (*git2_dl.tree_entry_name)
#define git_tree_entry_type (*git2_dl.tree_entry_type)
#define git_tree_free(p) GIT2_DL_FREE(tree_free, p)
#define git_tree_lookup (*git2_dl.tree_lookup)
#define git_tree_walk (*git2_dl.tree_walk)
#define git_tree_entry_byindex (*git2_dl.tree_entry_byindex)
#define git_tree_entrycount (*git2_dl.tree_entrycount)
#define git_tree_id (*git2_dl.tree_id)
#define git_treebuilder_free(p) GIT2_DL_FREE(treebuilder_free, p)
#define git_treebuilder_insert (*git2_dl.treebuilder_insert)
#define git_treebuilder_new (*git2_dl.treebuilder_new)
#endif
