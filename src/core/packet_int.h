/* packet_int.h: shared by packet.c and packet_merge.c. */
#ifndef MCASSESS_PACKET_INT_H
#define MCASSESS_PACKET_INT_H
#include "mcassess/hash.h"

/* Where a packet came from, as its meta and the first row of its chain say. */
struct packet_origin {
	const char *packet_id, *district, *exported_by, *exported_at, *assessors;
	char origin[MC_SHA256_HEX];    /* the server's identity: its first audit row's hash */
	long long base_seq;            /* the server's audit head at export */
	char base_hash[MC_SHA256_HEX];
};
#endif
