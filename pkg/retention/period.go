package retention

import (
	"fmt"
	"time"
)

// period is a GFS calendar unit.
type period string

const (
	daily   period = "daily"
	weekly  period = "weekly"
	monthly period = "monthly"
	yearly  period = "yearly"
)

// key names the period t falls in (UTC): 2026-11-20, 2026-W47, 2026-11, 2026.
func (p period) key(t time.Time) string {
	t = t.UTC()
	switch p {
	case daily:
		return t.Format(time.DateOnly)
	case weekly:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case monthly:
		return t.Format("2006-01")
	default:
		return t.Format("2006")
	}
}

type periodSlots struct {
	Slots
	period period
}

func (k KindPolicy) slots() []periodSlots {
	return []periodSlots{{k.Daily, daily}, {k.Weekly, weekly}, {k.Monthly, monthly}, {k.Yearly, yearly}}
}
