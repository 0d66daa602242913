package tenancy

import (
	"context"
	"fmt"
	"sort"
)

// relation is one ordinary or partitioned table from pg_catalog.
type relation struct {
	oid     uint32
	schema  string
	name    string
	columns []Column // every live column, generated ones included
}

// foreignKey is one foreign key between two loaded relations.
type foreignKey struct {
	name          string
	child, parent uint32
	childCols     []string
	parentCols    []string
	onDelete      string // confdeltype: a no action, r restrict, c cascade, n set null, d set default
	notNull       bool   // every child column is NOT NULL
}

// catalog is the part of pg_catalog discovery needs.
type catalog struct {
	rels     map[uint32]*relation
	order    []uint32 // by schema, then name
	fks      []foreignKey
	outside  []string                   // foreign keys to relations outside the loaded schemas
	indexed  map[uint32]map[string]bool // columns that lead an index, per relation
	schemaOK bool                       // the tenant's schema exists (when it has one)
}

const relationsSQL = `
SELECT c.oid, n.nspname::text, c.relname::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname`

const columnsSQL = `
SELECT a.attrelid, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> ''
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

const foreignKeysSQL = `
SELECT con.conname::text, con.conrelid, con.confrelid,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
  pg_catalog.format('%I.%I', pn.nspname, p.relname), con.confdeltype::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class p ON p.oid = con.confrelid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid = ANY($1)
ORDER BY con.conrelid, con.conname`

const indexedSQL = `
SELECT i.indrelid, a.attname::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = ANY($1)`

const schemaExistsSQL = `SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1`

// loadCatalog reads the tables of the given schemas, their columns and the
// foreign keys leaving them.
func loadCatalog(ctx context.Context, q Querier, schemas []string, tenantSchema string) (*catalog, error) {
	c := &catalog{rels: map[uint32]*relation{}, schemaOK: true, indexed: map[uint32]map[string]bool{}}
	if tenantSchema != "" {
		var n int
		rows, err := q.Query(ctx, schemaExistsSQL, tenantSchema)
		if err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load catalog: %w", err)
			}
		}
		rows.Close()
		c.schemaOK = n == 1
	}
	rows, err := q.Query(ctx, relationsSQL, schemas)
	if err != nil {
		return nil, fmt.Errorf("load catalog relations: %w", err)
	}
	for rows.Next() {
		r := &relation{}
		if err := rows.Scan(&r.oid, &r.schema, &r.name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load catalog relations: %w", err)
		}
		c.rels[r.oid] = r
		c.order = append(c.order, r.oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load catalog relations: %w", err)
	}
	if err := c.loadColumns(ctx, q); err != nil {
		return nil, err
	}
	if err := c.loadForeignKeys(ctx, q); err != nil {
		return nil, err
	}
	if err := c.loadIndexed(ctx, q); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *catalog) loadColumns(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, columnsSQL, c.order)
	if err != nil {
		return fmt.Errorf("load catalog columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var col Column
		if err := rows.Scan(&oid, &col.Name, &col.Type, &col.NotNull, &col.Generated); err != nil {
			return fmt.Errorf("load catalog columns: %w", err)
		}
		c.rels[oid].columns = append(c.rels[oid].columns, col)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load catalog columns: %w", err)
	}
	return nil
}

func (c *catalog) loadForeignKeys(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, foreignKeysSQL, c.order)
	if err != nil {
		return fmt.Errorf("load catalog foreign keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fk foreignKey
		var parentName string
		if err := rows.Scan(&fk.name, &fk.child, &fk.parent, &fk.childCols, &fk.parentCols, &parentName, &fk.onDelete); err != nil {
			return fmt.Errorf("load catalog foreign keys: %w", err)
		}
		if _, ok := c.rels[fk.parent]; !ok {
			child := c.rels[fk.child]
			c.outside = append(c.outside, fmt.Sprintf("%s.%s references %s outside the tenant's and the shared schemas; not followed", child.schema, child.name, parentName))
			continue
		}
		fk.notNull = true
		for _, name := range fk.childCols {
			if col, ok := c.rels[fk.child].column(name); !ok || !col.NotNull {
				fk.notNull = false
			}
		}
		c.fks = append(c.fks, fk)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load catalog foreign keys: %w", err)
	}
	sort.SliceStable(c.fks, func(i, j int) bool { return c.fks[i].name < c.fks[j].name })
	return nil
}

func (c *catalog) loadIndexed(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, indexedSQL, c.order)
	if err != nil {
		return fmt.Errorf("load catalog indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var name string
		if err := rows.Scan(&oid, &name); err != nil {
			return fmt.Errorf("load catalog indexes: %w", err)
		}
		if c.indexed[oid] == nil {
			c.indexed[oid] = map[string]bool{}
		}
		c.indexed[oid][name] = true
	}
	return rows.Err()
}

func (r *relation) column(name string) (Column, bool) {
	for _, col := range r.columns {
		if col.Name == name {
			return col, true
		}
	}
	return Column{}, false
}
