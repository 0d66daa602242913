package copyout

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A large table's COPY can be split into ranges of blocks, one per session
// (DESIGN #40), each "COPY (SELECT ... WHERE <selection> AND ctid >= '(a,0)'
// AND ctid < '(b,0)')" under the same snapshot, and the outputs written one
// after the other into the one file, re-cut into the archive's chunks. The
// file is then the one a single COPY writes only if that COPY returns its
// rows block by block, and, inside a block, in the order each range's scan
// returns them. That holds for two plans, which the session deciding the
// split reads with EXPLAIN (with the tenant bound, as the COPY is planned):
//
//   - a Seq Scan of the table: rows in block order, line pointers in order
//     within a block; each range runs as a Tid Range Scan, which reads its
//     blocks the same way;
//   - a Bitmap Heap Scan: blocks in order, and within a block the rows in
//     the bitmap's order of root line pointers (a HOT-updated row comes at
//     its chain's root, not where its live version sits, so a Tid Range
//     Scan would return such a block's rows in another order); each range
//     runs the same bitmap scan (the same indexes, the same bitmap and so
//     the same lossy pages) with the ctid bounds as a filter.
//
// Each range is planned with the other scans disabled (SET LOCAL inside a
// savepoint, rolled back after its COPY), and the split goes ahead only if
// EXPLAIN shows every range planned that way. Any other plan (an Index Scan,
// whose order follows the index; a join, as the foreign-key closures are;
// a parallel plan, whose order is the workers') is copied whole, as before.

// planNode is the part of EXPLAIN (FORMAT JSON) the split looks at.
type planNode struct {
	NodeType      string     `json:"Node Type"`
	Relation      string     `json:"Relation Name"`
	Alias         string     `json:"Alias"`
	Index         string     `json:"Index Name"`
	PlanRows      float64    `json:"Plan Rows"`
	PlanWidth     float64    `json:"Plan Width"`
	ParallelAware bool       `json:"Parallel Aware"`
	Plans         []planNode `json:"Plans"`
}

// scan kinds the split reproduces.
const (
	scanSeq    = "Seq Scan"
	scanBitmap = "Bitmap Heap Scan"
	scanRange  = "Tid Range Scan"
)

// shape is the plan's node types and index names, the rest (costs,
// filters) left out: two bitmap scans of equal shape build the same bitmap.
func (n planNode) shape() string {
	var b strings.Builder
	var walk func(n planNode)
	walk = func(n planNode) {
		b.WriteString(n.NodeType + "[" + n.Relation + "/" + n.Index)
		for _, c := range n.Plans {
			b.WriteString(" ")
			walk(c)
		}
		b.WriteString("]")
	}
	walk(n)
	return b.String()
}

// onlyBitmapChildren: the bitmap heap scan reads bitmaps of indexes only
// (no subplan, no init plan).
func onlyBitmapChildren(n planNode) bool {
	for _, c := range n.Plans {
		switch c.NodeType {
		case "Bitmap Index Scan":
		case "BitmapAnd", "BitmapOr":
			if !onlyBitmapChildren(c) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// forcing is what SET LOCAL leaves enabled for a range of a plan of kind
// scan: the kind the single COPY used (a Tid Range Scan for a Seq Scan),
// never a parallel plan.
func forcing(scan string) string {
	on := map[string]bool{}
	switch scan {
	case scanSeq:
		on["enable_tidscan"] = true
	case scanBitmap:
		on["enable_bitmapscan"] = true
	}
	var b strings.Builder
	for _, g := range []string{"enable_seqscan", "enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan", "enable_tidscan"} {
		v := "off"
		if on[g] {
			v = "on"
		}
		b.WriteString("SET LOCAL " + g + " = " + v + "; ")
	}
	b.WriteString("SET LOCAL max_parallel_workers_per_gather = 0")
	return b.String()
}

const savepoint = "arca_split"

// split is a job's ranges and the decision whether to copy them apart;
// decided is closed once plan is known (empty: copy the table whole).
type split struct {
	parts   int
	pages   int64
	decided chan struct{}
	scan    string // the single COPY's scan kind when split, "" when whole
}

// bounds are range i's block bounds: [lo, hi), hi < 0 for the last range
// (open-ended: blocks added since the size was read are still covered).
func (s *split) bounds(i int) (lo, hi int64) {
	lo = s.pages * int64(i) / int64(s.parts)
	hi = s.pages * int64(i+1) / int64(s.parts)
	if i == s.parts-1 {
		hi = -1
	}
	return lo, hi
}

// rangeSelect is the job's SELECT restricted to range i.
func (s *split) rangeSelect(j Job, i int) string {
	lo, hi := s.bounds(i)
	// Table.SelectSQL with the selection parenthesised: it may be a
	// disjunction.
	q := "SELECT " + j.Table.ColumnList() + " FROM " + j.Table.Identifier().Sanitize() + " AS t WHERE (" + j.Table.Where + ")"
	if i > 0 {
		q += " AND t.ctid >= '(" + strconv.FormatInt(lo, 10) + ",0)'::tid"
	}
	if hi >= 0 {
		q += " AND t.ctid < '(" + strconv.FormatInt(hi, 10) + ",0)'::tid"
	}
	return q
}

// rangeCopySQL copies range i; only the first has the header row.
func (s *split) rangeCopySQL(j Job, i int) string {
	opts := "FORMAT csv"
	if i == 0 {
		opts += ", HEADER"
	}
	return "COPY (" + s.rangeSelect(j, i) + ") TO STDOUT WITH (" + opts + ")"
}

// decide explains the job's SELECT and its ranges in one round trip (inside
// a savepoint, rolled back) and returns the scan kind to split with, or ""
// to copy the table whole. minBytes is the least estimated output worth
// splitting.
func (s *split) decide(ctx context.Context, conn *pgx.Conn, j Job, minBytes int64) (string, error) {
	var q strings.Builder
	q.WriteString("SAVEPOINT " + savepoint + "; EXPLAIN (FORMAT JSON) " + j.Table.SelectSQL())
	// Both kinds' ranges are explained: which one applies is known only
	// from the first plan, and a second round trip would cost more.
	for _, scan := range []string{scanSeq, scanBitmap} {
		q.WriteString("; " + forcing(scan))
		for i := range s.parts {
			q.WriteString("; EXPLAIN (FORMAT JSON) " + s.rangeSelect(j, i))
		}
	}
	q.WriteString("; ROLLBACK TO SAVEPOINT " + savepoint + "; RELEASE SAVEPOINT " + savepoint)
	results, err := conn.PgConn().Exec(ctx, q.String()).ReadAll()
	if err != nil {
		return "", fmt.Errorf("plan split of %s: %w", j.Table.Identifier().Sanitize(), err)
	}
	var plans []planNode
	for _, r := range results {
		if r.Err != nil {
			return "", fmt.Errorf("plan split of %s: %w", j.Table.Identifier().Sanitize(), r.Err)
		}
		if len(r.Rows) == 0 {
			continue // SAVEPOINT, SET, ROLLBACK TO, RELEASE
		}
		var doc []struct {
			Plan planNode `json:"Plan"`
		}
		if err := json.Unmarshal(r.Rows[0][0], &doc); err != nil || len(doc) != 1 {
			return "", fmt.Errorf("plan split of %s: unexpected EXPLAIN output", j.Table.Identifier().Sanitize())
		}
		plans = append(plans, doc[0].Plan)
	}
	if len(plans) != 1+2*s.parts {
		return "", fmt.Errorf("plan split of %s: %d plans, want %d", j.Table.Identifier().Sanitize(), len(plans), 1+2*s.parts)
	}
	return choose(j, plans[0], plans[1:1+s.parts], plans[1+s.parts:], minBytes), nil
}

// choose picks the scan kind from the single plan and the ranges' plans
// under each kind's forcing, or "" when the ranges would not return the
// single plan's order.
func choose(j Job, whole planNode, seqRanges, bitmapRanges []planNode, minBytes int64) string {
	// EXPLAIN names the relation without its schema (but for VERBOSE):
	// the statement reads one table, as t.
	if whole.Relation != j.Table.Name || whole.Alias != "t" || whole.ParallelAware {
		return "" // a join, a parallel plan, an inheritance tree (Append)
	}
	if int64(whole.PlanRows*whole.PlanWidth) < minBytes {
		return ""
	}
	switch whole.NodeType {
	case scanSeq:
		if len(whole.Plans) > 0 {
			return "" // a sub-plan in the selection
		}
		for _, r := range seqRanges {
			if r.NodeType != scanRange || r.Relation != j.Table.Name || len(r.Plans) > 0 {
				return ""
			}
		}
		return scanSeq
	case scanBitmap:
		if !onlyBitmapChildren(whole) {
			return ""
		}
		for _, r := range bitmapRanges {
			if r.shape() != whole.shape() {
				return ""
			}
		}
		return scanBitmap
	}
	return ""
}
