package teststack_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/teststack"
)

func TestOnlyRolesKeepsTheTestsRolesAndTheSuperusersOwnLines(t *testing.T) {
	script := `--
-- Roles
--

CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE mine;
ALTER ROLE mine WITH LOGIN PASSWORD 'SCRAM-SHA-256$x';
CREATE ROLE others;
GRANT others TO someone GRANTED BY postgres;
GRANT reader TO mine GRANTED BY postgres;
\connect template1
`
	want := `--
-- Roles
--

CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE mine;
ALTER ROLE mine WITH LOGIN PASSWORD 'SCRAM-SHA-256$x';
GRANT reader TO mine GRANTED BY postgres;
\connect template1
`
	require.Equal(t, want, teststack.OnlyRoles(script, "postgres", "mine"))
}
