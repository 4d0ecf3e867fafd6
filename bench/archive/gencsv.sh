#!/bin/sh
# bench/archive/gencsv.sh N: an import file of N submissions (B-000001 ...), two
# text evidence items each, on stdout: what the archive benchmarks import.
awk -v n="${1:?usage: gencsv.sh N}" 'BEGIN {
	print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	for (i = 1; i <= n; i++) {
		printf "B-%06d,E-%06d,Educator %d,District %d,School %d,TEAM-QUES,2026-11-01T08:00:00Z,overview,text,\"Overview %d: I ask questions at three levels, then wait.\",\n", i, i, i, i % 15, i % 97, i
		printf "B-%06d,E-%06d,Educator %d,District %d,School %d,TEAM-QUES,2026-11-01T08:00:00Z,reflection,text,\"Reflection %d: wait time helped the quiet ones.\",\n", i, i, i, i % 15, i % 97, i
	}
}'
