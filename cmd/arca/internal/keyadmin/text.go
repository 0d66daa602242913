package keyadmin

import (
	"fmt"
	"io"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/texttable"
)

// Keys are the key versions of a keyring (never their material), as arca
// keys list prints them.
type Keys []keyring.Info

// WriteText is a row per key version.
func (ks Keys) WriteText(w io.Writer) {
	const stamp = "2006-01-02 15:04:05Z"
	t := texttable.New(w, "KEY ID\tSCOPE\tPRIMARY\tKIND\tCREATED\tDESTROYED")
	for _, i := range ks {
		destroyed := ""
		if i.Destroyed != nil {
			destroyed = i.Destroyed.Format(stamp)
		}
		kind := i.Kind
		if i.KMSURI != "" {
			kind += " " + i.KMSURI
		}
		t.Row(i.ID, stack.Scope(i.Tenant), i.Primary, kind, i.Created.Format(stamp), destroyed)
	}
	t.Flush()
}

// WriteText says where the keyring was recovered from and into.
func (r Recovered) WriteText(w io.Writer) {
	fmt.Fprintf(w, "recovered the keyring from %s into %s: %d key versions\n", r.From, r.Into, len(r.Keys))
}

// WriteText says where the escrow went, under which KMS key, and what it
// left out.
func (e Escrowed) WriteText(w io.Writer) {
	fmt.Fprintf(w, "stored the keyring's escrow at %s in every destination, sealed under %s; %d tenant keys of their own left out\n",
		e.Key, e.KMS, e.LeftOut)
}

// WriteText says what the announcement did: on out when it was told, on
// errOut when no running service could be.
func (ann Announced) WriteText(out, errOut io.Writer) {
	switch {
	case !ann.Told:
		fmt.Fprintln(errOut, "arca: keyring saved; no NATS configured and no arca dev running here: no running service told")
	case !ann.Waited:
		fmt.Fprintf(out, "keyring epoch %d (%s) announced; not waiting for the services\n", ann.Epoch, ann.Change)
	default:
		fmt.Fprintf(out, "keyring epoch %d (%s): loaded by every running instance (%d)\n", ann.Epoch, ann.Change, ann.Live)
	}
}
