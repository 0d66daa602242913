package backup

// FullFormat is the Format of a logical full dump's facts: the data object
// opens into a pg_dump custom-format archive (written with --compress=0;
// the sealed parts are zstd-compressed instead).
const FullFormat = "pg_dump-custom"

// FullFacts are the export facts of a logical full dump: the Export member
// of a manifest of kind "full".
type FullFacts struct {
	Format      string `json:"format"`
	ToolVersion string `json:"tool_version"`
	// Globals are the cluster's global objects, dumped just before the
	// database (absent from full backups taken before Arca dumped them).
	Globals *Globals `json:"globals,omitempty"`
}

// Globals are what pg_dumpall --globals-only printed: roles and their
// attributes, memberships, per-role and per-database settings, tablespaces.
// They travel in the sealed manifest, under the same key as the dump, so
// that a whole cluster can be rebuilt from the bucket and the keyring.
type Globals struct {
	// SQL is pg_dumpall's script, for psql (it holds psql meta-commands
	// such as \restrict).
	SQL string `json:"sql"`
	// RolePasswords is false when the source role could not read
	// pg_authid (not a superuser): the script was dumped with
	// --no-role-passwords, and restored roles have no password.
	RolePasswords bool `json:"role_passwords"`
	// ServerVersion is the server_version_num of the source.
	ServerVersion int `json:"server_version"`
}
