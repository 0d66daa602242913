// Command walcmd is the test stand-in for `arca wal-push` and `arca
// wal-fetch`: tests build it into a temporary directory and use it as
// PostgreSQL's archive_command and restore_command. It takes its
// configuration from the environment, calls wal.Push or wal.Fetch, and maps
// the result to the exit status PostgreSQL expects (wal.PushExitCode,
// wal.FetchExitCode), exactly as cmd/arca does.
//
//	walcmd push <path>          archive_command = 'walcmd push %p'
//	walcmd fetch <name> <dest>  restore_command = 'walcmd fetch %f %p'
//	walcmd receive <conninfo>   wal-receive, until SIGTERM (tests SIGKILL it)
//	walcmd agent <dir>          wal-agent on <dir>/wal-agent.sock, until SIGTERM
//
// Environment: ARCA_STORE (fs:<dir> or s3), ARCA_S3_ENDPOINT, ARCA_S3_REGION,
// ARCA_S3_BUCKET, ARCA_S3_ACCESS_KEY, ARCA_S3_SECRET_KEY, ARCA_PREFIX,
// ARCA_KEYRING (keyring file), ARCA_KEYRING_PASSPHRASE, ARCA_WAL_PREFETCH,
// ARCA_WAL_AGENT_DIR (push hands the file to the agent there, or pushes it
// directly when none runs), ARCA_TEST_HANG_PUT (agent.go), and
// ARCA_WAL_STATS: a file to which every call appends one JSON line with
// its latency, for the tests' p50/p99.
package main
