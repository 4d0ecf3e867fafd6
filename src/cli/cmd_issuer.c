/* cmd_issuer.c: `mcassess issuer`: who signs the Open Badges that `export
 * badges` writes: the issuer's id, name and web address (database settings)
 * and its signing key (a file beside the database, mode 0600). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/badges.h"
#include "mcassess/jwt.h"

static int issuer_show(struct store *s)
{
	struct mc_error err = MC_ERROR_INIT;
	struct badges_issuer i;
	if (badges_issuer_get(s, &i, &err) != MC_OK)
		return cli_error(&err);
	printf("id    %s\nname  %s\nurl   %s\n", i.id ? i.id : "(not set)", i.name ? i.name : "(not set)",
	       i.url ? i.url : "(not set)");
	badges_issuer_free(&i);
	struct jwt_key *k;
	if (badges_key_load(s, &k, &err) == MC_OK)
		printf("key   %s (RSA %u bits)\n", jwt_key_id(k), jwt_key_bits(k));
	else
		printf("key   none usable: %s\n", mc_error_msg(&err));
	jwt_key_free(&k);
	mc_error_clear(&err);
	return MC_OK;
}

static int issuer_key_new(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	unsigned bits = 3072;
	int replace = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--replace") == 0)
			replace = 1;
		else if (strcmp(argv[i], "--bits") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "2048") == 0 || strcmp(argv[i + 1], "3072") == 0 ||
			  strcmp(argv[i + 1], "4096") == 0))
			bits = (unsigned)atoi(argv[++i]);
		else
			return cli_usage_error(self, "key new takes --bits 2048|3072|4096 and --replace, not '%s'",
					       argv[i]);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	char *kid = NULL;
	rc = badges_key_new(s, bits, replace, &kid, &err);
	if (rc == MC_OK) {
		char *path = badges_key_path(s);
		printf("issuer key %s (RSA %u bits) in %s\n", kid, bits, path);
		free(path);
	}
	free(kid);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

static int issuer_set(struct cli *cli, const char *field, const char *value)
{
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int changed = 0;
	rc = badges_issuer_set(s, field, value, &changed, &err);
	if (rc == MC_OK)
		printf("issuer %s %s%s\n", field, value, changed ? "" : " (it already was)");
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

static int run_issuer(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_help(self);
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "show") == 0)) {
		struct store *s;
		int rc = cli_open(cli, 0, &s);
		if (rc != MC_OK)
			return rc;
		rc = issuer_show(s);
		cli_close(cli);
		return rc;
	}
	if (strcmp(argv[1], "set") == 0) {
		if (argc != 4)
			return cli_usage_error(self, "issuer set takes a field (id, name or url) and its value");
		return issuer_set(cli, argv[2], argv[3]);
	}
	if (strcmp(argv[1], "key") == 0 && argc >= 3 && strcmp(argv[2], "new") == 0)
		return issuer_key_new(cli, self, argc - 3, argv + 3);
	return cli_usage_error(self, "unknown issuer command '%s' (show, set, key new)", argv[1]);
}

const struct cli_cmd cli_cmd_issuer = {
	"issuer", run_issuer,
	"issuer [show] | issuer set id|name|url VALUE | issuer key new [--bits N] [--replace]",
	"Shows or sets who issues the Open Badges (export badges) and the key they are signed with.",
	"  show              the issuer's id, name, web address and key (the default)\n"
	"  set id URL        (admins) the issuer's id: a web address that is the\n"
	"                    issuer's (https://…); badges and achievements are named\n"
	"                    under it\n"
	"  set name TEXT     (admins) the name badge holders see as the issuer\n"
	"  set url URL       (admins) the issuer's home page (optional)\n"
	"  key new           (admins) makes the RSA key that signs the badges, kept in\n"
	"                    DB.issuer-key, readable by its owner only (mode 0600).\n"
	"                    --bits 2048, 3072 (the default) or 4096. An existing key\n"
	"                    is kept unless --replace: badges already handed out\n"
	"                    verify only with the key that signed them.\n"
	"Changes are audited. 'export badges' publishes the public key (jwks.json) and\n"
	"the issuer's profile (issuer.json) beside the badges.\n",
};
