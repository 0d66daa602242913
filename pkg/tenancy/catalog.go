package tenancy

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// relation is one ordinary or partitioned table from pg_catalog.
type relation struct {
	oid     uint32
	schema  string
	name    string
	columns []Column // every live column, generated ones included
	// types are each column's type and collation oids.
	types map[string]typeOID
	// inherits: an ordinary table with inheritance children, which a
	// query of it reads too, though its unique keys hold in it alone.
	inherits bool
}

// typeOID is a column's type and collation.
type typeOID struct{ typ, coll uint32 }

// foreignKey is one foreign key between two loaded relations.
type foreignKey struct {
	name          string
	child, parent uint32
	childCols     []string
	parentCols    []string
	onDelete      string // confdeltype: a no action, r restrict, c cascade, n set null, d set default
	notNull       bool   // every child column is NOT NULL
	// exactKey: "=" between the key columns matches at most the one
	// parent row the referenced unique index allows (same type and
	// collation on both sides, no nondeterministic collation, each index
	// column's operator class the default of its column's own type: a
	// citext key indexed with text_ops is unique case-sensitively while
	// its "=" is not), as the reference closure's same-tenant
	// prefilter assumes (sameTenantKeys).
	exactKey bool
}

// catalog is the part of pg_catalog discovery needs.
type catalog struct {
	rels     map[uint32]*relation
	order    []uint32 // by schema, then name
	fks      []foreignKey
	outside  []string                   // foreign keys to relations outside the loaded schemas
	indexed  map[uint32]map[string]bool // columns that lead a valid btree or hash index on every row (not partial) in their own collation, per relation
	schemaOK bool                       // the tenant's schema exists (when it has one)

	parentNames []string // while loading: the parent of each of fks, named
}

const relationsSQL = `
SELECT c.oid, n.nspname::text, c.relname::text, c.relkind = 'r' AND c.relhassubclass
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname`

// The queries below read the relations relationsSQL lists, selected the
// same way, so that all of them go to the server at once (loadCatalog).
const loadedRelations = `SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)`

const columnsSQL = `
SELECT a.attrelid, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '',
  a.atttypid, a.attcollation
FROM pg_catalog.pg_attribute a
WHERE a.attrelid IN (` + loadedRelations + `) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

const foreignKeysSQL = `
SELECT con.conname::text, con.conrelid, con.confrelid,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
  pg_catalog.format('%I.%I', pn.nspname, p.relname), con.confdeltype::text,
  NOT EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(c, p)
    JOIN pg_catalog.pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.c
    JOIN pg_catalog.pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.p
    WHERE ca.atttypid <> pa.atttypid OR ca.attcollation <> pa.attcollation
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_collation co WHERE co.oid = pa.attcollation AND NOT co.collisdeterministic))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index ix
    CROSS JOIN LATERAL unnest(ix.indclass::oid[]) WITH ORDINALITY AS cls(oid, i)
    JOIN pg_catalog.pg_opclass oc ON oc.oid = cls.oid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[cls.i - 1]
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
    WHERE ix.indexrelid = con.conindid AND (NOT oc.opcdefault OR bt.typtype = 'd'
      OR oc.opcintype <> COALESCE(bt.oid, t.oid) AND EXISTS (SELECT 1 FROM pg_catalog.pg_opclass d
        WHERE d.opcmethod = oc.opcmethod AND d.opcdefault AND d.opcintype = COALESCE(bt.oid, t.oid))))
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class p ON p.oid = con.confrelid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid IN (` + loadedRelations + `)
ORDER BY con.conrelid, con.conname`

const indexedSQL = `
SELECT i.indrelid, a.attname::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid IN (` + loadedRelations + `) AND i.indpred IS NULL AND i.indisvalid
  AND am.amname IN ('btree', 'hash') AND i.indcollation[0] IN (0, a.attcollation)`

const schemaExistsSQL = `SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1`

// batcher sends several queries at once (pgx.Conn, pgx.Tx, pgxpool.Pool).
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// loadCatalog reads the tables of the given schemas, their columns and the
// foreign keys leaving them. Its five queries are independent: through a
// connection or transaction that can pipeline them they cost one round
// trip to the server, not five (#17.5: round trips per export).
func loadCatalog(ctx context.Context, q Querier, schemas []string, tenantSchema string) (*catalog, error) {
	c := &catalog{rels: map[uint32]*relation{}, schemaOK: true, indexed: map[uint32]map[string]bool{}}
	steps := []struct {
		sql  string
		arg  any
		read func(pgx.Rows) error
		what string
	}{
		{relationsSQL, schemas, c.readRelations, "relations"},
		{columnsSQL, schemas, c.readColumns, "columns"},
		{foreignKeysSQL, schemas, c.readForeignKeys, "foreign keys"},
		{indexedSQL, schemas, c.readIndexed, "indexes"},
	}
	if tenantSchema != "" {
		steps = append(steps, struct {
			sql  string
			arg  any
			read func(pgx.Rows) error
			what string
		}{schemaExistsSQL, tenantSchema, c.readSchemaExists, "schema"})
	}
	run := func(rows pgx.Rows, err error, read func(pgx.Rows) error, what string) error {
		if err != nil {
			return fmt.Errorf("load catalog %s: %w", what, err)
		}
		defer rows.Close()
		if err := read(rows); err != nil {
			return fmt.Errorf("load catalog %s: %w", what, err)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load catalog %s: %w", what, err)
		}
		return nil
	}
	if bq, ok := q.(batcher); ok {
		b := &pgx.Batch{}
		for _, s := range steps {
			b.Queue(s.sql, s.arg)
		}
		br := bq.SendBatch(ctx, b)
		for _, s := range steps {
			rows, err := br.Query()
			if err := run(rows, err, s.read, s.what); err != nil {
				_ = br.Close()
				return nil, err
			}
		}
		if err := br.Close(); err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
	} else {
		for _, s := range steps {
			rows, err := q.Query(ctx, s.sql, s.arg)
			if err := run(rows, err, s.read, s.what); err != nil {
				return nil, err
			}
		}
	}
	c.linkForeignKeys()
	return c, nil
}

func (c *catalog) readSchemaExists(rows pgx.Rows) error {
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return err
		}
	}
	c.schemaOK = n == 1
	return nil
}

func (c *catalog) readRelations(rows pgx.Rows) error {
	for rows.Next() {
		r := &relation{types: map[string]typeOID{}}
		if err := rows.Scan(&r.oid, &r.schema, &r.name, &r.inherits); err != nil {
			return err
		}
		c.rels[r.oid] = r
		c.order = append(c.order, r.oid)
	}
	return nil
}

func (c *catalog) readColumns(rows pgx.Rows) error {
	for rows.Next() {
		var oid uint32
		var col Column
		var t typeOID
		if err := rows.Scan(&oid, &col.Name, &col.Type, &col.NotNull, &col.Generated, &t.typ, &t.coll); err != nil {
			return err
		}
		if r := c.rels[oid]; r != nil {
			r.columns = append(r.columns, col)
			r.types[col.Name] = t
		}
	}
	return nil
}

// readForeignKeys reads the foreign keys as they come; linkForeignKeys
// sorts them out once the columns are known.
func (c *catalog) readForeignKeys(rows pgx.Rows) error {
	for rows.Next() {
		var fk foreignKey
		var parentName string
		if err := rows.Scan(&fk.name, &fk.child, &fk.parent, &fk.childCols, &fk.parentCols, &parentName, &fk.onDelete, &fk.exactKey); err != nil {
			return err
		}
		c.fks = append(c.fks, fk)
		c.parentNames = append(c.parentNames, parentName)
	}
	return nil
}

// linkForeignKeys keeps the foreign keys between loaded relations (the
// others are named in outside) and marks the NOT NULL ones.
func (c *catalog) linkForeignKeys() {
	all, names := c.fks, c.parentNames
	c.fks, c.parentNames = nil, nil
	for i, fk := range all {
		child := c.rels[fk.child]
		if child == nil {
			continue
		}
		if _, ok := c.rels[fk.parent]; !ok {
			c.outside = append(c.outside, fmt.Sprintf("%s.%s references %s outside the tenant's and the shared schemas; not followed", child.schema, child.name, names[i]))
			continue
		}
		fk.notNull = true
		for _, name := range fk.childCols {
			if col, ok := child.column(name); !ok || !col.NotNull {
				fk.notNull = false
			}
		}
		c.fks = append(c.fks, fk)
	}
	sort.SliceStable(c.fks, func(i, j int) bool { return c.fks[i].name < c.fks[j].name })
}

func (c *catalog) readIndexed(rows pgx.Rows) error {
	for rows.Next() {
		var oid uint32
		var name string
		if err := rows.Scan(&oid, &name); err != nil {
			return err
		}
		if c.indexed[oid] == nil {
			c.indexed[oid] = map[string]bool{}
		}
		c.indexed[oid][name] = true
	}
	return nil
}

func (r *relation) column(name string) (Column, bool) {
	for _, col := range r.columns {
		if col.Name == name {
			return col, true
		}
	}
	return Column{}, false
}
