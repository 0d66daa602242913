package stack

import "github.com/arcabackup/arca/pkg/objstore"

func objstoreLock(mode string) objstore.LockMode { return objstore.LockMode(mode) }
