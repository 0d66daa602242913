package health

import "fmt"

// Status is a finding's verdict.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Check is one finding.
type Check struct {
	Check  string `json:"check"` // config, source, archiving, bucket, keyring, nats, schedules, catalog
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Findings collects the findings of the checks, in order.
type Findings struct{ List []Check }

func (f *Findings) add(name string, s Status, format string, args ...any) {
	f.List = append(f.List, Check{name, s, fmt.Sprintf(format, args...)})
}

// OK, Warn and Fail record one finding of the check name.
func (f *Findings) OK(name, format string, args ...any)   { f.add(name, OK, format, args...) }
func (f *Findings) Warn(name, format string, args ...any) { f.add(name, Warn, format, args...) }
func (f *Findings) Fail(name, format string, args ...any) { f.add(name, Fail, format, args...) }

// Report is the findings summed up: OK when none failed (warnings do not
// fail it).
type Report struct {
	OK       bool    `json:"ok"`
	Problems int     `json:"problems"`
	Warnings int     `json:"warnings"`
	Checks   []Check `json:"checks"`
}

// Report sums up the findings.
func (f *Findings) Report() Report {
	rep := Report{OK: true, Checks: f.List}
	if rep.Checks == nil {
		rep.Checks = []Check{}
	}
	for _, c := range f.List {
		switch c.Status {
		case Fail:
			rep.Problems++
			rep.OK = false
		case Warn:
			rep.Warnings++
		}
	}
	return rep
}
