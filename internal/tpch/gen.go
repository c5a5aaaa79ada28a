package tpch

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The row generators, one per table, following the TPC-H specification's
// clauses for keys, values and text.

var (
	poolOnce sync.Once
	pool     string
)

// sharedPool is the text pool every generation uses (4 MiB; it is the same
// every time, so it is built once per process).
func sharedPool() string {
	poolOnce.Do(func() { pool = textPool(1, 1<<22) })
	return pool
}

// gen holds what every generator shares: the counts and the text pool.
type gen struct {
	c    counts
	pool string
}

func rng(table, chunk uint64) *rand.Rand { return rand.New(rand.NewPCG(table, chunk)) }

// Per-table seeds of the random streams.
const (
	seedRegion = iota + 1
	seedNation
	seedSupplier
	seedCustomer
	seedPart
	seedPartsupp
	seedOrders
)

// rowChunk is the number of rows of the smaller tables that share one
// random stream.
const rowChunk = 10_000

var (
	regions = []string{"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"}
	nations = []struct {
		name   string
		region int64
	}{
		{"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1}, {"EGYPT", 4}, {"ETHIOPIA", 0},
		{"FRANCE", 3}, {"GERMANY", 3}, {"INDIA", 2}, {"INDONESIA", 2}, {"IRAN", 4}, {"IRAQ", 4},
		{"JAPAN", 2}, {"JORDAN", 4}, {"KENYA", 0}, {"MOROCCO", 0}, {"MOZAMBIQUE", 0}, {"PERU", 1},
		{"CHINA", 2}, {"ROMANIA", 3}, {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3},
		{"UNITED KINGDOM", 3}, {"UNITED STATES", 1},
	}
	segments     = []string{"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"}
	priorities   = []string{"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"}
	instructions = []string{"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"}
	shipModes    = []string{"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"}
	typeS1       = []string{"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"}
	typeS2       = []string{"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"}
	typeS3       = []string{"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"}
	containerS1  = []string{"SM", "LG", "MED", "JUMBO", "WRAP"}
	containerS2  = []string{"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"}
	colors       = strings.Fields(`almond antique aquamarine azure beige bisque black blanched blue blush
		brown burlywood burnished chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark
		deep dim dodger drab firebrick floral forest frosted gainsboro ghost goldenrod green grey honeydew
		hot indian ivory khaki lace lavender lawn lemon light lime linen magenta maroon medium metallic
		midnight mint misty moccasin navajo navy olive orange orchid pale papaya peach peru pink plum
		powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky slate smoke snow
		spring steel tan thistle tomato turquoise violet wheat white yellow`)
)

// Dates of clause 4.2.2.12, as days since 1970-01-01.
var (
	startDate   = days(1992, 1, 1)
	currentDate = days(1995, 6, 17)
	endDate     = days(1998, 12, 31)
)

func days(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// builders with typed access to the columns of one record builder.
type cols struct{ b *array.RecordBuilder }

func (c cols) i64(i int) *array.Int64Builder      { return c.b.Field(i).(*array.Int64Builder) }
func (c cols) i32(i int) *array.Int32Builder      { return c.b.Field(i).(*array.Int32Builder) }
func (c cols) str(i int) *array.StringBuilder     { return c.b.Field(i).(*array.StringBuilder) }
func (c cols) dec(i int) *array.Decimal128Builder { return c.b.Field(i).(*array.Decimal128Builder) }
func (c cols) date(i int) *array.Date32Builder    { return c.b.Field(i).(*array.Date32Builder) }
func cents(v int64) decimal128.Num                { return decimal128.FromI64(v) }
func between(r *rand.Rand, lo, hi int64) int64    { return lo + r.Int64N(hi-lo+1) }
func oneOf(r *rand.Rand, list []string) string    { return list[r.IntN(len(list))] }
func padded(buf []byte, prefix string, n int64) []byte {
	buf = append(buf[:0], prefix...)
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < 9; i++ {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}

// phone builds a phone number of clause 4.2.2.9: country code nation+10.
func phone(buf []byte, r *rand.Rand, nation int64) []byte {
	buf = strconv.AppendInt(buf[:0], nation+10, 10)
	buf = append(buf, '-')
	buf = strconv.AppendInt(buf, between(r, 100, 999), 10)
	buf = append(buf, '-')
	buf = strconv.AppendInt(buf, between(r, 100, 999), 10)
	buf = append(buf, '-')
	return strconv.AppendInt(buf, between(r, 1000, 9999), 10)
}

func (g *gen) regions(b *array.RecordBuilder, emit func(int) error) error {
	r, c := rng(seedRegion, 0), cols{b}
	for i, name := range regions {
		c.i64(0).Append(int64(i))
		c.str(1).Append(name)
		c.str(2).Append(g.text(r, 31, 115))
	}
	return emit(0)
}

func (g *gen) nations(b *array.RecordBuilder, emit func(int) error) error {
	r, c := rng(seedNation, 0), cols{b}
	for i, n := range nations {
		c.i64(0).Append(int64(i))
		c.str(1).Append(n.name)
		c.i64(2).Append(n.region)
		c.str(3).Append(g.text(r, 31, 114))
	}
	return emit(0)
}

// forRows calls row for keys 1..n, with a random stream per chunk of keys,
// and emits a batch every batchRows rows.
func forRows(n int64, seed uint64, emit func(int) error, row func(r *rand.Rand, key int64)) error {
	var r *rand.Rand
	for k := int64(1); k <= n; k++ {
		if (k-1)%rowChunk == 0 {
			r = rng(seed, uint64((k-1)/rowChunk))
		}
		row(r, k)
		if k%batchRows == 0 {
			if err := emit(0); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) suppliers(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	return forRows(g.c.supp, seedSupplier, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		buf = padded(buf, "Supplier#", k)
		c.str(1).BinaryBuilder.Append(buf)
		buf = vstring(r, buf, 10, 40)
		c.str(2).BinaryBuilder.Append(buf)
		nation := r.Int64N(25)
		c.i64(3).Append(nation)
		buf = phone(buf, r, nation)
		c.str(4).BinaryBuilder.Append(buf)
		c.dec(5).Append(cents(between(r, -99999, 999999)))
		comment := g.text(r, 25, 100)
		// SF*5 suppliers each have complaints and recommendations in their
		// comment (clause 4.2.3): one in every 2000, at a random position.
		switch k % 2000 {
		case 7:
			comment = g.embed(r, comment, "Complaints")
		case 1307:
			comment = g.embed(r, comment, "Recommends")
		}
		c.str(6).Append(comment)
	})
}

// embed puts "Customer <text> <word>" at a random position of comment,
// keeping its length.
func (g *gen) embed(r *rand.Rand, comment, word string) string {
	mid := g.text(r, 0, 10)
	ins := "Customer " + mid + word
	if len(ins) >= len(comment) {
		return ins
	}
	at := r.IntN(len(comment) - len(ins) + 1)
	return comment[:at] + ins + comment[at+len(ins):]
}

func (g *gen) customers(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	return forRows(g.c.cust, seedCustomer, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		buf = padded(buf, "Customer#", k)
		c.str(1).BinaryBuilder.Append(buf)
		buf = vstring(r, buf, 10, 40)
		c.str(2).BinaryBuilder.Append(buf)
		nation := r.Int64N(25)
		c.i64(3).Append(nation)
		buf = phone(buf, r, nation)
		c.str(4).BinaryBuilder.Append(buf)
		c.dec(5).Append(cents(between(r, -99999, 999999)))
		c.str(6).Append(oneOf(r, segments))
		c.str(7).Append(g.text(r, 29, 116))
	})
}

// retailPrice is P_RETAILPRICE in cents (clause 4.2.3).
func retailPrice(partkey int64) int64 {
	return 90000 + (partkey/10)%20001 + 100*(partkey%1000)
}

// partSupplier is the i-th (0-3) supplier of a part (clause 4.2.3).
func partSupplier(partkey, i, s int64) int64 {
	return (partkey+i*(s/4+(partkey-1)/s))%s + 1
}

func (g *gen) parts(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	var picked [5]int
	return forRows(g.c.part, seedPart, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		// Five distinct colors.
		buf = buf[:0]
		for n := 0; n < 5; n++ {
		again:
			x := r.IntN(len(colors))
			for _, p := range picked[:n] {
				if p == x {
					goto again
				}
			}
			picked[n] = x
			if n > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, colors[x]...)
		}
		c.str(1).BinaryBuilder.Append(buf)
		m := between(r, 1, 5)
		buf = strconv.AppendInt(append(buf[:0], "Manufacturer#"...), m, 10)
		c.str(2).BinaryBuilder.Append(buf)
		buf = strconv.AppendInt(strconv.AppendInt(append(buf[:0], "Brand#"...), m, 10), between(r, 1, 5), 10)
		c.str(3).BinaryBuilder.Append(buf)
		buf = append(append(append(append(append(buf[:0], oneOf(r, typeS1)...), ' '), oneOf(r, typeS2)...), ' '), oneOf(r, typeS3)...)
		c.str(4).BinaryBuilder.Append(buf)
		c.i32(5).Append(int32(between(r, 1, 50)))
		buf = append(append(append(buf[:0], oneOf(r, containerS1)...), ' '), oneOf(r, containerS2)...)
		c.str(6).BinaryBuilder.Append(buf)
		c.dec(7).Append(cents(retailPrice(k)))
		c.str(8).Append(g.text(r, 5, 22))
	})
}

func (g *gen) partsupp(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var r *rand.Rand
	for k := int64(1); k <= g.c.part; k++ {
		if (k-1)%rowChunk == 0 {
			r = rng(seedPartsupp, uint64((k-1)/rowChunk))
		}
		for i := int64(0); i < 4; i++ {
			c.i64(0).Append(k)
			c.i64(1).Append(partSupplier(k, i, g.c.supp))
			c.i32(2).Append(int32(between(r, 1, 9999)))
			c.dec(3).Append(cents(between(r, 100, 100000)))
			c.str(4).Append(g.text(r, 49, 198))
		}
		if (4*k)%batchRows == 0 {
			if err := emit(0); err != nil {
				return err
			}
		}
	}
	return nil
}

// orderKey is the key of the i-th order (0-based): keys are sparse, the
// first 8 of every 32 (clause 4.2.3).
func orderKey(i int64) int64 { return i/8*32 + i%8 + 1 }

// orders generates the orders of chunks [from, to) with their line items.
func (g *gen) orders(from, to int64, ob, lb *array.RecordBuilder, emit func(int) error) error {
	o, l := cols{ob}, cols{lb}
	var buf []byte
	lines := 0
	for ch := from; ch < to; ch++ {
		r := rng(seedOrders, uint64(ch))
		last := min((ch+1)*orderChunk, g.c.orders)
		for i := ch * orderChunk; i < last; i++ {
			key := orderKey(i)
			cust := between(r, 1, g.c.cust)
			for cust%3 == 0 && g.c.cust > 2 {
				cust = between(r, 1, g.c.cust)
			}
			odate := int32(between(r, int64(startDate), int64(endDate-151)))
			n := between(r, 1, 7)
			var total int64 // in 1/1_000_000 of a cent: extprice * (100+tax) * (100-disc)
			var fCount int64
			for ln := int64(1); ln <= n; ln++ {
				part := between(r, 1, g.c.part)
				supp := partSupplier(part, r.Int64N(4), g.c.supp)
				qty := between(r, 1, 50)
				ext := qty * retailPrice(part)
				disc := between(r, 0, 10)
				tax := between(r, 0, 8)
				ship := odate + int32(between(r, 1, 121))
				commit := odate + int32(between(r, 30, 90))
				receipt := ship + int32(between(r, 1, 30))
				flag := "N"
				if receipt <= currentDate {
					flag = oneOf(r, []string{"R", "A"})
				}
				status := "O"
				if ship <= currentDate {
					status = "F"
					fCount++
				}
				total += ext * (100 + tax) * (100 - disc)
				l.i64(0).Append(key)
				l.i64(1).Append(part)
				l.i64(2).Append(supp)
				l.i32(3).Append(int32(ln))
				l.dec(4).Append(cents(qty * 100))
				l.dec(5).Append(cents(ext))
				l.dec(6).Append(cents(disc))
				l.dec(7).Append(cents(tax))
				l.str(8).Append(flag)
				l.str(9).Append(status)
				l.date(10).Append(arrow.Date32(ship))
				l.date(11).Append(arrow.Date32(commit))
				l.date(12).Append(arrow.Date32(receipt))
				l.str(13).Append(oneOf(r, instructions))
				l.str(14).Append(oneOf(r, shipModes))
				l.str(15).Append(g.text(r, 10, 43))
				lines++
			}
			status := "P"
			switch fCount {
			case n:
				status = "F"
			case 0:
				status = "O"
			}
			o.i64(0).Append(key)
			o.i64(1).Append(cust)
			o.str(2).Append(status)
			o.dec(3).Append(cents((total + 5000) / 10000))
			o.date(4).Append(arrow.Date32(odate))
			o.str(5).Append(oneOf(r, priorities))
			buf = padded(buf, "Clerk#", between(r, 1, g.c.clerks))
			o.str(6).BinaryBuilder.Append(buf)
			o.i32(7).Append(0)
			o.str(8).Append(g.text(r, 19, 78))
			if (i+1)%batchRows == 0 {
				if err := emit(0); err != nil {
					return err
				}
			}
			if lines >= batchRows {
				lines = 0
				if err := emit(1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
