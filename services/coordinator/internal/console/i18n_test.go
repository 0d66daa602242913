package console

import (
	"io/fs"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every key a template or the code asks for is in both languages, and the
// two languages have the same keys.
func TestEveryMessageIsInBothLanguages(t *testing.T) {
	used := map[string]bool{}
	key := regexp.MustCompile(`\.T "([a-z.]+)"|\$\.T "([a-z.]+)"|translate\([a-zA-Z.]+, "([a-z.]+)"\)|p\.T\("([a-z.]+)"|fail\(w, [a-z]+, http\.Status[A-Za-z]+, "([a-z.]+)"\)|refuse\(http\.Status[A-Za-z]+, "([a-z.]+)"`)
	scan := func(text string) {
		for _, m := range key.FindAllStringSubmatch(text, -1) {
			for _, k := range m[1:] {
				if k != "" {
					used[k] = true
				}
			}
		}
	}
	require.NoError(t, fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		scan(string(b))
		return err
	}))
	sources, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := fs.ReadFile(osDir{}, f)
		require.NoError(t, err)
		scan(string(b))
	}
	for _, m := range []string{"mode.into_schema", "mode.target", "mode.replace"} {
		used[m] = true // built with printf in the templates
	}
	require.NotEmpty(t, used)
	for k := range used {
		require.Contains(t, messages[langEN], k, "English lacks %q", k)
		require.Contains(t, messages[langPT], k, "Portuguese lacks %q", k)
	}
	for k := range messages[langEN] {
		require.Contains(t, messages[langPT], k, "Portuguese lacks %q", k)
	}
	for k := range messages[langPT] {
		require.Contains(t, messages[langEN], k, "English lacks %q", k)
	}
}

func TestPickLang(t *testing.T) {
	for header, want := range map[string]string{
		"": "en", "pt-BR,pt;q=0.9": "pt", "en-US,pt;q=0.5": "en", "fr-FR, pt;q=0.8": "pt", "de": "en",
	} {
		r := httptest.NewRequest("GET", "/console/", nil)
		r.Header.Set("Accept-Language", header)
		require.Equal(t, want, pickLang(r), header)
	}
}

func TestLocalPathRefusesOpenRedirects(t *testing.T) {
	for p, ok := range map[string]bool{
		"/console/": true, "/console/tenants/a": true, "//evil.example/console/": false, "https://evil.example/": false,
		"/console/\\evil": false, "/v1/runs": false, "": false, "/console/\r\nX: y": false,
	} {
		require.Equal(t, ok, localPath(p), p)
	}
}

func TestDefaultSchemaIsAValidTarget(t *testing.T) {
	for _, tenant := range []string{"casa-01", "Casa 01", "1abc", "", strings.Repeat("x", 100), "ção"} {
		require.Regexp(t, targetName, defaultSchema(tenant, fixedNow), tenant)
	}
}
