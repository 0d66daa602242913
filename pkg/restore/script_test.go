package restore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const postData = `--
-- PostgreSQL database dump
--

\restrict abc123

SET statement_timeout = 0;

--
-- Name: residents residents_pkey; Type: CONSTRAINT; Schema: s; Owner: -
--

ALTER TABLE ONLY s.residents
    ADD CONSTRAINT residents_pkey PRIMARY KEY (id);


--
-- Name: residents residents_user_id_fkey; Type: FK CONSTRAINT; Schema: s; Owner: -
--

ALTER TABLE ONLY s.residents
    ADD CONSTRAINT residents_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- PostgreSQL database dump complete
--

\unrestrict abc123


-- Sequence values at export time
SELECT pg_catalog.setval('s.record_no', 1001, true);
`

func TestScriptSplitsEntriesAndDropsMetaCommands(t *testing.T) {
	t.Parallel()
	sql, err := readScript(strings.NewReader(postData))
	require.NoError(t, err)
	require.NotContains(t, sql, `\restrict`)
	require.NotContains(t, sql, `\unrestrict`)
	entries := splitScript(sql)
	var types []string
	for _, e := range entries {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"", "CONSTRAINT", "FK CONSTRAINT", "SEQUENCE SET"}, types)
	require.Equal(t, "residents residents_user_id_fkey", entries[2].Name)
	require.Contains(t, entries[2].SQL, "REFERENCES public.users(id)")
	require.NotContains(t, entries[2].SQL, "setval")
	require.Contains(t, entries[3].SQL, "setval")
	require.Equal(t, sql, entries[0].SQL+entries[1].SQL+entries[2].SQL+entries[3].SQL)
}
