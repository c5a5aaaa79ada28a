package engine

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestRegisterTextFunction(t *testing.T) {
	db, c := open(t, Setting{"threads", "4"})
	err := c.RegisterTextFunction("lg_join", 2, func(args []string) (string, error) {
		switch args[0] {
		case "fail":
			return "", errors.New("lg_join refuses " + args[1])
		case "panic":
			panic("boom")
		}
		return args[0] + "|" + args[1], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := strings1(t, c, "select lg_join('a', 'bé') union all select lg_join(NULL, 'x') union all select lg_join(repeat('y', 20), '')")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a|bé", "", "yyyyyyyyyyyyyyyyyyyy|"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %q, want %q", got, want)
	}
	// NULL in, NULL out: the row above read as "" from a NULL; count them
	if n, err := strings1(t, c, "select count(*)::varchar from (select lg_join(NULL, 'x') v) where v is null"); err != nil || n[0] != "1" {
		t.Fatalf("NULL argument: %v %v", n, err)
	}
	// many chunks, several threads: every row's own value
	rows, err := strings1(t, c, "select lg_join(i::varchar, 'r') from range(100000) t(i) order by i")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r != strconv.Itoa(i)+"|r" {
			t.Fatalf("row %d: %q", i, r)
		}
	}
	if len(rows) != 100000 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, arg := range []string{"fail", "panic"} {
		_, err := strings1(t, c, "select lg_join('"+arg+"', 'this')")
		if err == nil || !strings.Contains(err.Error(), map[string]string{"fail": "lg_join refuses this", "panic": "boom"}[arg]) {
			t.Fatalf("%s: %v", arg, err)
		}
	}
	// every connection of the database sees it; concurrent calls
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c2, err := db.Connect()
			if err != nil {
				t.Error(err)
				return
			}
			defer c2.Close()
			got, err := strings1(t, c2, "select count(distinct lg_join(i::varchar, 'c'))::varchar from range(20000) t(i)")
			if err != nil || got[0] != "20000" {
				t.Errorf("second connection: %v %v", got, err)
			}
		}()
	}
	wg.Wait()
}
