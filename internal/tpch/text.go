package tpch

import (
	"math/rand/v2"
	"strings"
)

// The word lists and sentence grammar of the TPC-H specification (clause
// 4.2.2.13): comments are substrings of a pool of pseudo-text generated from
// this grammar. Words carry relative weights, so that the phrases queries
// look for ("special ... requests", "Customer ... Complaints") occur with a
// realistic frequency.

type weighted struct {
	word   string
	weight int
}

var (
	nouns = []weighted{
		{"packages", 40}, {"requests", 40}, {"accounts", 40}, {"deposits", 40}, {"foxes", 20},
		{"ideas", 20}, {"theodolites", 20}, {"pinto beans", 20}, {"instructions", 20},
		{"dependencies", 10}, {"excuses", 10}, {"platelets", 10}, {"asymptotes", 10},
		{"courts", 5}, {"dolphins", 5}, {"multipliers", 1}, {"sauternes", 1}, {"warthogs", 1},
		{"frets", 1}, {"dinos", 1}, {"attainments", 1}, {"somas", 1}, {"Tiresias", 1},
		{"patterns", 1}, {"forges", 1}, {"braids", 1}, {"hockey players", 1}, {"frays", 1},
		{"warhorses", 1}, {"dugouts", 1}, {"notornis", 1}, {"epitaphs", 1}, {"pearls", 1},
		{"tithes", 1}, {"waters", 1}, {"orbits", 1}, {"gifts", 1}, {"sheaves", 1}, {"depths", 1},
		{"sentiments", 1}, {"decoys", 1}, {"realms", 1}, {"pains", 1}, {"grouches", 1}, {"escapades", 1},
	}
	verbs = []weighted{
		{"sleep", 20}, {"wake", 20}, {"are", 20}, {"cajole", 20}, {"haggle", 20}, {"nag", 10},
		{"use", 10}, {"boost", 10}, {"affix", 5}, {"detect", 5}, {"integrate", 5}, {"maintain", 1},
		{"nod", 1}, {"was", 1}, {"lose", 1}, {"sublate", 1}, {"solve", 1}, {"thrash", 1},
		{"promise", 1}, {"engage", 1}, {"hinder", 1}, {"print", 1}, {"x-ray", 1}, {"breach", 1},
		{"eat", 1}, {"grow", 1}, {"impress", 1}, {"mold", 1}, {"poach", 1}, {"serve", 1}, {"run", 1},
		{"dazzle", 1}, {"snooze", 1}, {"doze", 1}, {"unwind", 1}, {"kindle", 1}, {"play", 1},
		{"hang", 1}, {"believe", 1}, {"doubt", 1},
	}
	adjectives = []weighted{
		{"special", 20}, {"pending", 20}, {"unusual", 20}, {"express", 20}, {"furious", 1},
		{"sly", 1}, {"careful", 1}, {"blithe", 1}, {"quick", 1}, {"fluffy", 1}, {"slow", 1},
		{"quiet", 1}, {"ruthless", 1}, {"thin", 1}, {"close", 1}, {"dogged", 1}, {"daring", 1},
		{"brave", 1}, {"stealthy", 1}, {"permanent", 1}, {"enticing", 1}, {"idle", 1}, {"busy", 1},
		{"regular", 50}, {"final", 40}, {"ironic", 40}, {"even", 30}, {"bold", 20}, {"silent", 10},
	}
	adverbs = []weighted{
		{"sometimes", 1}, {"always", 1}, {"never", 1}, {"furiously", 50}, {"slyly", 50},
		{"carefully", 50}, {"blithely", 40}, {"quickly", 30}, {"fluffily", 20}, {"slowly", 1},
		{"quietly", 1}, {"ruthlessly", 1}, {"thinly", 1}, {"closely", 1}, {"doggedly", 1},
		{"daringly", 1}, {"bravely", 1}, {"stealthily", 1}, {"permanently", 1}, {"enticingly", 1},
		{"idly", 1}, {"busily", 1}, {"regularly", 1}, {"finally", 1}, {"ironically", 1},
		{"evenly", 1}, {"boldly", 1}, {"silently", 1},
	}
	prepositions = []weighted{
		{"about", 50}, {"above", 50}, {"according to", 50}, {"across", 50}, {"after", 50},
		{"against", 40}, {"along", 40}, {"alongside of", 30}, {"among", 30}, {"around", 20},
		{"at", 10}, {"atop", 1}, {"before", 1}, {"behind", 1}, {"beneath", 1}, {"beside", 1},
		{"besides", 1}, {"between", 1}, {"beyond", 1}, {"by", 1}, {"despite", 1}, {"during", 1},
		{"except", 1}, {"for", 1}, {"from", 1}, {"in place of", 1}, {"inside", 1}, {"instead of", 1},
		{"into", 1}, {"near", 1}, {"of", 1}, {"on", 1}, {"outside", 1}, {"over", 1}, {"past", 1},
		{"since", 1}, {"through", 1}, {"throughout", 1}, {"to", 1}, {"toward", 1}, {"under", 1},
		{"until", 1}, {"up", 1}, {"upon", 1}, {"without", 1}, {"with", 1}, {"within", 1},
	}
	auxiliaries = []weighted{
		{"do", 1}, {"may", 1}, {"might", 1}, {"shall", 1}, {"will", 1}, {"would", 1}, {"can", 1},
		{"could", 1}, {"should", 1}, {"ought to", 1}, {"must", 1}, {"will have to", 1},
		{"shall have to", 1}, {"could have to", 1}, {"should have to", 1}, {"must have to", 1},
		{"need to", 1}, {"try to", 1},
	}
	terminators = []weighted{{".", 50}, {";", 1}, {":", 1}, {"?", 1}, {"!", 1}, {"--", 1}}

	// Grammar productions, with weights. N noun phrase, V verb phrase,
	// P prepositional phrase, T terminator; J adjective, D adverb,
	// X auxiliary, n noun, v verb.
	sentences   = []weighted{{"N V T", 3}, {"N V P T", 3}, {"N V N T", 3}, {"N P V N T", 1}, {"N P V P T", 1}}
	nounPhrases = []weighted{{"n", 10}, {"J n", 20}, {"J, J n", 10}, {"D J n", 50}}
	verbPhrases = []weighted{{"v", 30}, {"X v", 1}, {"v D", 40}, {"X v D", 1}}
)

func pick(r *rand.Rand, list []weighted) string {
	total := 0
	for _, w := range list {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range list {
		if n < w.weight {
			return w.word
		}
		n -= w.weight
	}
	return list[len(list)-1].word
}

// textPool generates size bytes of grammar text: sentences separated by
// single spaces.
func textPool(seed uint64, size int) string {
	r := rand.New(rand.NewPCG(seed, 0x7e47))
	var b strings.Builder
	b.Grow(size + 256)
	var expand func(sym string)
	expand = func(sym string) {
		for i, tok := range strings.Fields(sym) {
			comma := strings.HasSuffix(tok, ",")
			tok = strings.TrimSuffix(tok, ",")
			if i > 0 && tok != "T" {
				b.WriteByte(' ')
			}
			switch tok {
			case "N":
				expand(pick(r, nounPhrases))
			case "V":
				expand(pick(r, verbPhrases))
			case "P":
				b.WriteString(pick(r, prepositions))
				b.WriteString(" the ")
				expand(pick(r, nounPhrases))
			case "T":
				b.WriteString(pick(r, terminators))
			case "J":
				b.WriteString(pick(r, adjectives))
			case "D":
				b.WriteString(pick(r, adverbs))
			case "X":
				b.WriteString(pick(r, auxiliaries))
			case "n":
				b.WriteString(pick(r, nouns))
			case "v":
				b.WriteString(pick(r, verbs))
			}
			if comma {
				b.WriteByte(',')
			}
		}
	}
	for b.Len() < size {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		expand(pick(r, sentences))
	}
	return b.String()[:size]
}

// text returns a comment of random length in [lo, hi]: a substring of the
// pool at a random offset (spec 4.2.2.10). It shares the pool's memory.
func (g *gen) text(r *rand.Rand, lo, hi int) string {
	n := lo + r.IntN(hi-lo+1)
	off := r.IntN(len(g.pool) - n)
	return g.pool[off : off+n]
}

const vchars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,."

// vstring returns random characters, length in [lo, hi] (addresses).
func vstring(r *rand.Rand, buf []byte, lo, hi int) []byte {
	n := lo + r.IntN(hi-lo+1)
	buf = buf[:0]
	for i := 0; i < n; i++ {
		buf = append(buf, vchars[r.IntN(len(vchars))])
	}
	return buf
}
