package event

import (
	"testing"
	"time"
)

// The fallback rule must agree with the zone database on every hour from
// the 1996 change of rule to 2040, including both ends of every BST period.
func TestUKRulesAgreeWithZoneDatabase(t *testing.T) {
	db, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	rules := ukRules()
	for at := time.Date(1996, 10, 28, 0, 0, 0, 0, time.UTC); at.Year() < 2040; at = at.Add(time.Hour) {
		n1, o1 := at.In(db).Zone()
		n2, o2 := at.In(rules).Zone()
		if n1 != n2 || o1 != o2 {
			t.Fatalf("%s: zone database %s%+d, fallback %s%+d", at, n1, o1, n2, o2)
		}
	}
}

func TestLondonIsTheRealZone(t *testing.T) {
	// 25 March 2018 was the last Sunday of March: BST from 01:00 UTC.
	before := time.Date(2018, 3, 25, 0, 59, 0, 0, time.UTC).In(London())
	after := time.Date(2018, 3, 25, 1, 0, 0, 0, time.UTC).In(London())
	if _, off := before.Zone(); off != 0 {
		t.Errorf("00:59 UTC on 25 March 2018: offset %d, want 0", off)
	}
	if name, off := after.Zone(); off != 3600 || name != "BST" {
		t.Errorf("01:00 UTC on 25 March 2018: %s%+d, want BST+3600", name, off)
	}
	if London().String() != "Europe/London" {
		t.Errorf("London is %q", London())
	}
}
