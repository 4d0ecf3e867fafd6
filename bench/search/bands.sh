#!/bin/sh
# bench/search/bands.sh: random pairs of words by the share of the evidence items
# they are in, for `bench_search DB paths 50 check` (which answers each pair from a
# pair of the ranking index, from its rounds, or by FTS5's ranking).
#
#   bench/search/bands.sh DB [N] [SEED] > QUERIES
#
# The bands, from the evidence's word counts (search_term, src 0; the row of term ''
# holds the items):
#   P  the 32 most common words (all in over half of the items in the demo)
#   H  the other words in over half
#   T  a third to half
#   Q  a quarter to a third
#   D  a tenth to a quarter
# N pairs (default 12) for each of HH PH HT PT TT TQ HQ PQ QQ TD QD DD HD PD, two
# different words each, drawn with a generator of our own (the same pairs from the
# same database and SEED with any awk). One line a pair: the band, a tab, the two
# words. `cut -f2` gives bench_search's input.
set -eu
DB=${1:?usage: bands.sh DB [N] [SEED]}
N=${2:-12}
SEED=${3:-15}
sqlite3 -readonly -separator ' ' "$DB" "
	SELECT t.term, t.df, n.df FROM search_term t, (SELECT df FROM search_term WHERE src = 0 AND term = '') n
	WHERE t.src = 0 AND t.term <> '' AND t.term <> char(3) || 'len' AND t.df * 10 >= n.df
	ORDER BY t.df DESC, t.term" |
awk -v N="$N" -v SEED="$SEED" '
	# Lehmer generator (Park and Miller): exact in doubles, the same on every awk
	function rnd() { state = (state * 48271) % 2147483647; return state / 2147483647 }
	function pick(b) { return w[b, int(rnd() * nb[b]) + 1] }
	{
		r++   # over half, third, quarter: as the pairs are chosen (df * 3 > items)
		b = r <= 32 && $2 * 2 > $3 ? "P" : $2 * 2 > $3 ? "H" : $2 * 3 > $3 ? "T" : $2 * 4 > $3 ? "Q" : "D"
		w[b, ++nb[b]] = $1
	}
	END {
		state = SEED % 2147483646 + 1
		split("HH PH HT PT TT TQ HQ PQ QQ TD QD DD HD PD", combos, " ")
		for (c = 1; c <= 14; c++) {
			x = substr(combos[c], 1, 1); y = substr(combos[c], 2, 1)
			if (!nb[x] || !nb[y] || (x == y && nb[x] < 2))
				continue
			for (i = 0; i < N; i++) {
				do { a = pick(x); b2 = pick(y) } while (a == b2)
				print combos[c] "\t" a " " b2
			}
		}
	}'
