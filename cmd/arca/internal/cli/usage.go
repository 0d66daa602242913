package cli

import (
	"errors"
	"strings"
)

// cleanUsage turns cobra's multi-line suggestion ("unknown command \"lst\"
// for \"arca\"\n\nDid you mean this?\n\tlist\n") into one line:
// unknown command "lst" for "arca" (did you mean list?).
func cleanUsage(err error) error {
	msg := err.Error()
	head, rest, ok := strings.Cut(msg, "\n\nDid you mean this?\n")
	if !ok {
		return err
	}
	var names []string
	for _, l := range strings.Split(rest, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	if len(names) == 0 {
		return errors.New(head)
	}
	return errors.New(head + " (did you mean " + strings.Join(names, " or ") + "?)")
}
