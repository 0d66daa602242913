// Package copyout streams tables out of PostgreSQL into an archive: several
// sessions, all inside one exported snapshot, run COPY (SELECT ...) TO STDOUT
// in parallel, and the archive writer takes their output one table at a time
// in plan order.
//
// Memory is bounded by a fixed pool of parallelism+1 chunk buffers: a worker
// fills a chunk, hands it to the writer and takes the next from the pool, so
// workers ahead of the writer stall (and their COPY with them, through TCP
// back-pressure) instead of buffering. Each worker holds at most one buffer
// and the writer one more, so the pool can never run dry under the table the
// writer waits for.
package copyout
