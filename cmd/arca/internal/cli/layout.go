package cli

import (
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
)

func backupLayout(a *app) backup.Layout { return stack.Layout(a.cfg) }
