package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionNeedsNoConfigurationAndPrintsJSON(t *testing.T) {
	t.Setenv("ARCA_CONFIG", "/nonexistent/arca.yaml") // a configuration it must not read

	var out bytes.Buffer
	require.NoError(t, Execute(context.Background(), []string{"version"}, &out, &out))
	require.Equal(t, "arca "+Version+"\n", out.String())

	out.Reset()
	require.NoError(t, Execute(context.Background(), []string{"version", "--json"}, &out, &out))
	var v map[string]string
	require.NoError(t, json.Unmarshal(out.Bytes(), &v))
	require.Equal(t, Version, v["version"])

	out.Reset()
	require.NoError(t, Execute(context.Background(), []string{"--version"}, &out, &out))
	require.Contains(t, out.String(), Version)
}
