package schedule

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Definition is one configured schedule.
type Definition struct {
	Name     string `json:"name"` // a subject token: letters, digits, '_' and '-'
	Kind     string `json:"kind"` // what a fire starts: tenant, full, drill, retention
	Expr     string `json:"-"`    // cron (6 fields), @daily..., or @every <duration>
	TimeZone string `json:"-"`    // IANA zone for cron; ignored for @every
}

var nameToken = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Validate reports every problem of the definition.
func (d Definition) Validate() error {
	var errs []string
	if !nameToken.MatchString(d.Name) {
		errs = append(errs, fmt.Sprintf("name %q is not a subject token", d.Name))
	}
	if d.Kind == "" {
		errs = append(errs, "kind is required")
	}
	if err := ValidateExpr(d.Expr); err != nil {
		errs = append(errs, err.Error())
	}
	if d.TimeZone != "" {
		if _, err := time.LoadLocation(d.TimeZone); err != nil {
			errs = append(errs, fmt.Sprintf("time zone %q: %v", d.TimeZone, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("schedule %s: %s", d.Name, strings.Join(errs, "; "))
	}
	return nil
}

// ValidateExpr checks the shape the server accepts: six cron fields
// (seconds first), a predefined @yearly, @monthly, @weekly, @daily or
// @hourly, or @every with a duration of at least a second.
func ValidateExpr(expr string) error {
	switch expr {
	case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
		return nil
	}
	if d, ok := strings.CutPrefix(expr, "@every "); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur < time.Second {
			return fmt.Errorf("%q: @every needs a duration of at least 1s", expr)
		}
		return nil
	}
	if n := len(strings.Fields(expr)); n != 6 {
		return fmt.Errorf("%q: cron needs 6 fields (seconds minutes hours day-of-month month day-of-week), got %d", expr, n)
	}
	return nil
}

// usesZone reports whether the server takes a time zone with expr (cron
// only: it refuses a zone with @every and @at).
func (d Definition) usesZone() bool { return d.TimeZone != "" && !strings.HasPrefix(d.Expr, "@every ") }

// payload is the body of the schedule message, copied into every fire.
func (d Definition) payload() []byte {
	b, _ := json.Marshal(d)
	return b
}
