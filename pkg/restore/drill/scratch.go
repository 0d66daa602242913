package drill

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// scratch is one throw-away database.
type scratch struct {
	admin string
	name  string
	url   string
}

// newScratch creates an empty database next to the admin connection's.
func newScratch(ctx context.Context, adminURL string) (*scratch, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s := &scratch{admin: adminURL, name: "arca_drill_" + hex.EncodeToString(b)}
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("create scratch database: %w", err)
	}
	u.Path = "/" + s.name
	s.url = u.String()
	if err := s.adminExec(ctx, "CREATE DATABASE "+pgx.Identifier{s.name}.Sanitize()+" TEMPLATE template0"); err != nil {
		return nil, fmt.Errorf("create scratch database %s: %w", s.name, err)
	}
	return s, nil
}

// drop removes the database, forcing any session off.
func (s *scratch) drop(ctx context.Context) error {
	if err := s.adminExec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{s.name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop scratch database %s: %w", s.name, err)
	}
	return nil
}

func (s *scratch) adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}
