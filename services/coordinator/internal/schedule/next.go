package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Next is when a definition fires next after now, as the console shows
// it; ok is false for "@every" (the server anchors it at the schedule's
// creation) and for an expression it cannot read. NATS stays the source of
// truth: this only reads the same expression.
func (d Definition) Next(now time.Time) (next time.Time, ok bool) {
	loc := time.UTC
	if d.TimeZone != "" {
		l, err := time.LoadLocation(d.TimeZone)
		if err != nil {
			return time.Time{}, false
		}
		loc = l
	}
	c, err := parseCron(d.Expr)
	if err != nil {
		return time.Time{}, false
	}
	return c.next(now.In(loc))
}

var predefined = map[string]string{
	"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
	"@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
}

// cron is a six-field expression as sets: seconds, minutes, hours, days of
// the month, months, days of the week.
type cron struct {
	sec, min, hour, dom, month, dow [62]bool
	domAny, dowAny                  bool
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
)

func parseCron(expr string) (*cron, error) {
	if p, ok := predefined[expr]; ok {
		expr = p
	}
	f := strings.Fields(expr)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron %q: want 6 fields", expr)
	}
	c := &cron{domAny: f[3] == "*" || f[3] == "?", dowAny: f[5] == "*" || f[5] == "?"}
	for i, spec := range []struct {
		set      *[62]bool
		lo, hi   int
		names    map[string]int
		sundayIs int
	}{{&c.sec, 0, 59, nil, -1}, {&c.min, 0, 59, nil, -1}, {&c.hour, 0, 23, nil, -1},
		{&c.dom, 1, 31, nil, -1}, {&c.month, 1, 12, monthNames, -1}, {&c.dow, 0, 7, dayNames, 7}} {
		if err := parseField(f[i], spec.set, spec.lo, spec.hi, spec.names); err != nil {
			return nil, fmt.Errorf("cron %q field %d: %w", expr, i+1, err)
		}
		if spec.sundayIs == 7 && spec.set[7] {
			spec.set[0] = true
		}
	}
	return c, nil
}

func parseField(field string, set *[62]bool, lo, hi int, names map[string]int) error {
	num := func(s string) (int, error) {
		if n, ok := names[strings.ToUpper(s)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not between %d and %d", s, lo, hi)
		}
		return n, nil
	}
	for _, item := range strings.Split(field, ",") {
		rng, stepS, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 {
				return fmt.Errorf("step %q", stepS)
			}
			step = n
		}
		from, to := lo, hi
		switch {
		case rng == "*" || rng == "?":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = num(a); err != nil {
				return err
			}
			if to, err = num(b); err != nil {
				return err
			}
		default:
			n, err := num(rng)
			if err != nil {
				return err
			}
			from, to = n, n
			if hasStep {
				to = hi
			}
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return nil
}

func (c *cron) dayMatches(t time.Time) bool {
	dom, dow := c.dom[t.Day()], c.dow[int(t.Weekday())]
	switch {
	case c.domAny && c.dowAny:
		return true
	case c.domAny:
		return dow
	case c.dowAny:
		return dom
	}
	return dom || dow
}

// next walks forward field by field, for at most five years.
func (c *cron) next(now time.Time) (time.Time, bool) {
	loc := now.Location()
	t := now.Truncate(time.Second).Add(time.Second)
	limit := now.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !c.month[int(t.Month())]:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case !c.hour[t.Hour()]:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		case !c.min[t.Minute()]:
			t = t.Truncate(time.Minute).Add(time.Minute)
		case !c.sec[t.Second()]:
			t = t.Add(time.Second)
		default:
			return t, true
		}
	}
	return time.Time{}, false
}
