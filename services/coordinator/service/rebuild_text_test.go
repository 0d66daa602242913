package service

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A rebuild says how many backups it read; --json counts the refused.
func TestRebuiltSaysWhatItRead(t *testing.T) {
	r := Rebuilt{Backups: 7, Refused: []error{errors.New("a"), errors.New("b")}}
	var w strings.Builder
	r.WriteText(&w)
	require.Equal(t, "catalog rebuilt: 7 backups from the bucket\n", w.String())
	doc, err := json.Marshal(r)
	require.NoError(t, err)
	require.JSONEq(t, `{"backups": 7, "refused": 2}`, string(doc))
}
