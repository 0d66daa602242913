package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// The spec in docs/ is the contract the admin portal codes against: it must
// be valid OpenAPI and list exactly the routes the server serves.
func TestOpenAPISpecIsValidAndMatchesTheRoutes(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../../../docs/openapi.yaml")
	require.NoError(t, err, "docs/openapi.yaml does not parse")
	require.NoError(t, doc.Validate(context.Background()), "docs/openapi.yaml is not valid OpenAPI")

	var spec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			spec = append(spec, strings.ToUpper(method)+" "+path)
		}
	}
	var served []string
	for _, r := range (&handlers{}).routes() {
		served = append(served, r.pattern)
	}
	slices.Sort(spec)
	slices.Sort(served)
	require.Equal(t, served, spec, "routes served (left) and routes in docs/openapi.yaml (right) differ")
}
